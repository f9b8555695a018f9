/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (headless Chromium) signs in, opens the overview and an agent page, edits a
 * configuration and sees its status change live when the agent reports it applied.
 */
class UiBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String YAML =
      "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\n"
          + "service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n";

  private WebTestServer web;
  private WebDriver browser;
  private Path profile;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Skipped: the browser test needs Debian's headless Chromium (/usr/bin/chromium and"
            + " /usr/bin/chromedriver; apt-get install chromium chromium-driver).");
    web = new WebTestServer(AuthMode.TOKENS);
    profile = Files.createTempDirectory("opampfleet-chromium");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (web != null) {
      web.close();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private WebDriverWait waitUpTo(int seconds) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
    // A live update may replace an element between finding and reading it.
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  private WebElement byTestId(String id) {
    return browser.findElement(By.cssSelector("[data-testid='" + id + "']"));
  }

  @Test
  void signsInEditsAConfigurationAndSeesTheStatusChangeLive() {
    Agent agent =
        web.fleet.connect(Map.of("service.name", "checkout", "service.version", "0.118.0"));
    ConfigVersion v1 = web.fleet.save("checkout-prod", "service.name=checkout", 10, YAML);
    web.fleet.report(agent.instanceUid(), v1, RemoteConfigReport.Status.APPLIED, "");

    // Signing in returns to the page asked for.
    browser.get(web.uri("/").toString());
    waitUpTo(10).until(ExpectedConditions.urlContains("/login"));
    byTestId("token").sendKeys(web.token);
    byTestId("sign-in").click();
    waitUpTo(10)
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid='overview-strip']")));
    assertThat(byTestId("count-total").getText()).isEqualTo("1");
    assertThat(byTestId("count-cfg-applied").getText()).isEqualTo("1");
    waitUpTo(10).until(ExpectedConditions.textToBe(By.id("live-indicator"), "Live"));

    // The agent page.
    browser.get(web.uri("/agents/" + agent.instanceUid()).toString());
    assertThat(byTestId("agent-name").getText())
        .isEqualTo("checkout on " + agent.nonIdentifyingAttributes().get("host.name"));
    assertThat(byTestId("agent-uid").getText()).isEqualTo(agent.instanceUid().toString());
    assertThat(
            browser
                .findElement(By.cssSelector("#agent-status [data-dim='config']"))
                .getAttribute("data-status"))
        .isEqualTo("applied");

    // Edit the configuration, review and save v2.
    browser.get(web.uri("/configs/checkout-prod/edit").toString());
    WebElement editor = byTestId("editor");
    editor.click();
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
    editor.sendKeys("# edited in the browser");
    byTestId("review-config").click();
    waitUpTo(10)
        .until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='review']")));
    assertThat(byTestId("review").getText()).contains("# edited in the browser");
    byTestId("save-config").click();
    waitUpTo(10).until(ExpectedConditions.urlContains("/configs/checkout-prod?saved=2"));
    assertThat(byTestId("notice").getText()).contains("Saved v2");
    ConfigVersion v2 = web.fleet.configs.get("checkout-prod").orElseThrow().latest();
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.files().get("collector.yaml")).contains("# edited in the browser");
    assertThat(web.fleet.messenger.offers)
        .anySatisfy(s -> assertThat(s.offer().version().version()).isEqualTo(2));
    waitUpTo(10).until(ExpectedConditions.textToBe(By.id("live-indicator"), "Live"));
    // Live updates replace these regions, so they are read through waits that look them up again.
    waitUpTo(10)
        .until(
            ExpectedConditions.and(
                ExpectedConditions.textToBe(By.cssSelector("[data-testid='status-applied']"), "0"),
                ExpectedConditions.textToBe(
                    By.cssSelector("[data-testid='status-applying']"), "1")));

    // The fake agent reports APPLIED: the page updates without a reload.
    browser.findElement(By.tagName("body")).getAttribute("data-server-time");
    web.fleet.report(agent.instanceUid(), v2, RemoteConfigReport.Status.APPLIED, "");
    waitUpTo(10)
        .until(
            ExpectedConditions.and(
                ExpectedConditions.textToBe(By.cssSelector("[data-testid='status-applied']"), "1"),
                ExpectedConditions.textToBe(
                    By.cssSelector("[data-testid='status-applying']"), "0")));
    assertThat(browser.getCurrentUrl()).endsWith("/configs/checkout-prod?saved=2");
    assertThat(byTestId("notice").getText()).contains("Saved v2"); // still the same page: no reload
  }
}
