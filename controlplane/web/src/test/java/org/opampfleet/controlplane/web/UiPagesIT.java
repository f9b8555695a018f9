/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigVersion;

/**
 * The UI over HTTP: sign-in with a session cookie, every page renders, forms need the CSRF token,
 * and the live-update stream delivers a patch after an inventory change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiPagesIT {
  private static final String YAML =
      "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\n"
          + "service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n";

  private WebTestServer web;
  private String cookie;
  private String csrf;
  private Agent agent;

  @BeforeAll
  void start() {
    web = new WebTestServer(AuthMode.TOKENS);
    agent = web.fleet.connect(Map.of("service.name", "checkout", "service.version", "0.118.0"));
    ConfigVersion v = web.fleet.save("checkout-prod", "service.name=checkout", 10, YAML);
    web.fleet.report(
        agent.instanceUid(), v, RemoteConfigReport.Status.FAILED, "unknown type \"otlphttp/2\"");
    HttpResponse<String> login =
        form("/login", "token=" + enc(web.token) + "&next=" + enc("/agents?conn=stale"), null);
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/agents?conn=stale");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .doesNotContain(web.token);
    cookie = setCookie.substring(0, setCookie.indexOf(';'));
    Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page("/").body());
    assertThat(m.find()).isTrue();
    csrf = m.group(1);
  }

  @AfterAll
  void stop() {
    web.close();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> form(String path, String body, String withCookie) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(web.uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (withCookie != null) {
      b.header("Cookie", withCookie);
    }
    return web.send(b.build());
  }

  private HttpResponse<String> page(String path) {
    return web.send(HttpRequest.newBuilder(web.uri(path)).header("Cookie", cookie).GET().build());
  }

  @Test
  void pagesRedirectToLoginWithNext() {
    HttpResponse<String> response =
        web.send(HttpRequest.newBuilder(web.uri("/agents?conn=stale")).GET().build());
    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location"))
        .hasValue("/login?next=" + enc("/agents?conn=stale"));
    assertThat(web.send(HttpRequest.newBuilder(web.uri("/login")).GET().build()).body())
        .contains("API token");
  }

  @Test
  void wrongTokenShowsAnErrorAndNoCookie() {
    HttpResponse<String> response = form("/login", "token=ofp_nope&next=%2F", null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("That token is not valid");
    assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void theAgentsListPagesFirstPrevNextLast() {
    for (int i = 0; i < 3; i++) {
      web.fleet.connect(Map.of("service.name", "pager-" + i));
    }
    String query = "/agents?selector=service.name+in+%28pager-0%2Cpager-1%2Cpager-2%29&limit=1";

    String first = page(query).body();
    assertThat(first).contains("1–1 of 3").contains("data-testid=\"next-page\"");
    assertThat(first).doesNotContain("data-testid=\"previous-page\"");
    String last = page(href(first, "last-page")).body();
    assertThat(last)
        .contains("3–3 of 3")
        .contains("data-testid=\"first-page\"")
        .doesNotContain("data-testid=\"next-page\"")
        .doesNotContain("data-testid=\"last-page\"");
    String middle = page(href(last, "previous-page")).body();
    assertThat(middle).contains("2–2 of 3");
    assertThat(page(href(middle, "previous-page")).body()).contains("1–1 of 3");
  }

  /** The href of the link with a test id, unescaped. */
  private static String href(String html, String testId) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<a href=\"([^\"]*)\" data-testid=\"" + testId + "\"")
            .matcher(html);
    assertThat(m.find()).as("a link " + testId).isTrue();
    return m.group(1).replace("&amp;", "&");
  }

  @Test
  void loginNeverRedirectsToAnotherSite() {
    HttpResponse<String> response =
        form("/login", "token=" + enc(web.token) + "&next=" + enc("//evil.example/x"), null);
    assertThat(response.headers().firstValue("Location")).hasValue("/");
  }

  @Test
  void everyPageRenders() {
    String uid = agent.instanceUid().toString();
    for (String path :
        List.of(
            "/",
            "/agents",
            "/agents?conn=connected&health=unknown&cfgstatus=failed&sort=name&selector=service.name%3Dcheckout",
            "/agents?selector=env+in+prod&health=grean",
            "/agents/" + uid,
            "/agents/" + uid + "/config",
            "/agents/" + uid + "/config?view=unified&norm=0&reveal=1",
            "/agents/" + uid + "/health",
            "/agents/" + uid + "/telemetry",
            "/agents/" + uid + "/components",
            "/agents/" + uid + "/timeline",
            "/configs",
            "/configs?q=check&sort=failed",
            "/configs/new",
            "/configs/checkout-prod",
            "/configs/checkout-prod/edit",
            "/configs/checkout-prod/versions",
            "/configs/checkout-prod/versions/1",
            "/configs/checkout-prod/diff?from=0&to=1&view=unified",
            "/configs/checkout-prod/agents",
            "/configs/checkout-prod/settings",
            "/rollouts",
            "/packages",
            "/certificates",
            "/audit",
            "/settings")) {
      HttpResponse<String> response = page(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).contains("</html>");
    }
    assertThat(page("/agents").body())
        .contains("checkout on host-")
        .contains("data-status=\"failed\"");
    assertThat(page("/agents?selector=env+in+prod").body()).contains("column 8");
    assertThat(page("/agents?health=grean").body()).contains("ignored health=grean");
    assertThat(page("/agents/" + uid).body())
        .contains("Failed v1")
        .contains("unknown type &#34;otlphttp/2&#34;");
    assertThat(page("/rollouts").body()).contains("Not built yet").contains("What works today");
    assertThat(page("/agents/00000000-0000-7000-8000-000000000000").statusCode()).isEqualTo(404);
    assertThat(page("/nowhere").statusCode()).isEqualTo(404);
  }

  @Test
  void formsNeedTheCsrfToken() {
    String uid = agent.instanceUid().toString();
    HttpResponse<String> without =
        form("/ui/agents/" + uid + "/labels", "labels=team%3Dpay", cookie);
    assertThat(without.statusCode()).isEqualTo(403);
    HttpResponse<String> with =
        form("/ui/agents/" + uid + "/labels", "labels=team%3Dpay&_csrf=" + enc(csrf), cookie);
    assertThat(with.statusCode()).isEqualTo(303);
    assertThat(web.fleet.inventory.get(agent.instanceUid()).orElseThrow().labels())
        .containsEntry("team", "pay");
  }

  @Test
  void editorValidatesAndReviewsBeforeSaving() {
    String bad = "receivers:\n  otlp: {\n";
    HttpResponse<String> validate =
        form(
            "/ui/configs/validate",
            "fileName=collector.yaml&fileBody=" + enc(bad) + "&index=0&_csrf=" + enc(csrf),
            cookie);
    assertThat(validate.statusCode()).isEqualTo(200);
    assertThat(validate.body()).contains("Line 3").contains("Go to");
    String fields =
        "_csrf="
            + enc(csrf)
            + "&isNew=1&baseVersion=0&name=ui-made&selector=&priority=0&note=hi"
            + "&fileName=collector.yaml&fileBody="
            + enc(YAML);
    HttpResponse<String> review = form("/ui/configs/submit", fields + "&action=review", cookie);
    assertThat(review.statusCode()).isEqualTo(200);
    assertThat(review.body()).contains("Review v1 of ui-made").contains("Save v1");
    HttpResponse<String> saved = form("/ui/configs/submit", fields + "&action=save", cookie);
    assertThat(saved.statusCode()).isEqualTo(303);
    assertThat(saved.headers().firstValue("Location")).hasValue("/configs/ui-made?saved=1");
    HttpResponse<String> invalid =
        form(
            "/ui/configs/submit",
            fields.replace("name=ui-made", "name=ui-bad").replace(enc(YAML), enc(bad))
                + "&action=review",
            cookie);
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("line 3").contains(enc(bad).isEmpty() ? "" : "otlp: {");
    HttpResponse<String> conflict =
        form(
            "/ui/configs/submit",
            fields
                    .replace("isNew=1", "isNew=0")
                    .replace("baseVersion=0", "baseVersion=0")
                    .replace("name=ui-made", "name=checkout-prod")
                + "&action=save",
            cookie);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.body()).contains("while you were editing");
  }

  @Test
  void liveStreamDeliversAPatchAfterAnInventoryChange() throws Exception {
    HttpResponse<InputStream> stream =
        web.http.send(
            HttpRequest.newBuilder(web.uri("/ui/events?view=overview"))
                .header("Cookie", cookie)
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // The stream closes when the server stops.
              }
            });
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains(": connected"));
    web.fleet.connect(Map.of("service.name", "late-arrival"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(lines).contains("event: patch");
              assertThat(String.join("\n", lines)).contains("hx-swap-oob").contains("late-arrival");
            });
    stream.body().close();
  }
}
