/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadGeneratorMainTest {

  private record Outcome(int exitCode, String out, String err) {}

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LoadGeneratorMain.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void helpExplainsEveryOptionAndTheServeSubcommand() {
    Outcome outcome = run("--help");

    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.out())
        .contains("--target", "--agents", "--scenario", "--duration", "--fail-fraction")
        .contains("--workers", "--max-sockets-per-worker", "--agents-per-source-address")
        .contains("--result", "serve")
        .doesNotContain("  worker ");
  }

  @Test
  void serveHelpDescribesTheAdminEndpoint() {
    Outcome outcome = run("serve", "--help");

    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.out()).contains("/metrics", "/rollout", "--floor");
  }

  @Test
  void rejectsAMissingTargetWithAnExample() {
    Outcome outcome = run("--agents", "10");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("--target: not set").contains("ws://127.0.0.1:4320");
  }

  @Test
  void rejectsBadValuesNamingTheOptionAndTheExpectation() {
    assertThat(run("--target", "ws://127.0.0.1:4320/v1/opamp", "--agents", "0").err())
        .contains("agents: 0 (expected: >= 1)");
    assertThat(run("--target", "ws://127.0.0.1:4320/v1/opamp", "--fail-fraction", "2").err())
        .contains("fail-fraction: 2.0 (expected: 0 to 1)");
    assertThat(run("--target", "ftp://127.0.0.1:4320/v1/opamp").err())
        .contains("expected: ws://host:port/path");
    assertThat(run("--target", "ws://127.0.0.1:4320/v1/opamp", "--duration", "soon").err())
        .contains("e.g. 500ms, 30s");
  }

  @Test
  void requiresATriggerForTheRolloutScenario() {
    Outcome outcome = run("--target", "ws://127.0.0.1:4320/v1/opamp", "--scenario", "rollout");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("rollout-url: not set");
  }

  @Test
  void refusesASplitThatBreaksTheOpenFileCap() {
    Outcome outcome =
        run("--target", "ws://127.0.0.1:4320/v1/opamp", "--agents", "19000", "--workers", "1");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("--workers 2 or more");
  }

  @Test
  void derivesTheAdminUrlsAndPicksHttpForThePollScenario() throws Exception {
    LoadGeneratorMain main = new LoadGeneratorMain();
    new CommandLine(main)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs(
            "--target",
            "ws://127.0.0.1:4320/v1/opamp",
            "--scenario",
            "poll",
            "--admin-url",
            "http://127.0.0.1:4321/",
            "--poll-interval",
            "5s");

    LoadOptions options = main.options();

    assertThat(options.mix()).isEqualTo(TransportMix.HTTP);
    assertThat(options.metricsUrl()).hasToString("http://127.0.0.1:4321/metrics");
    assertThat(options.rolloutUrl()).hasToString("http://127.0.0.1:4321/rollout");
    assertThat(options.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.httpUri()).hasToString("http://127.0.0.1:4320/v1/opamp");
  }

  @Test
  void readsTheControlPlaneTriggerItsHeadersAndTheServerPid() throws Exception {
    LoadGeneratorMain main = new LoadGeneratorMain();
    new CommandLine(main)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs(
            "--target",
            "ws://127.0.0.1:4320/v1/opamp",
            "--scenario",
            "rollout",
            "--rollout-url",
            "http://127.0.0.1:4321/api/v1/configs/smoke",
            "--rollout-method",
            "put",
            "--header",
            "Authorization: Bearer ofp_secret",
            "--header",
            "X-Request-Source:loadgen",
            "--server-pid",
            "4242");

    LoadOptions options = main.options();

    assertThat(options.rolloutMethod()).isEqualTo("PUT");
    assertThat(options.apiHeaders())
        .containsExactly("Authorization: Bearer ofp_secret", "X-Request-Source:loadgen");
    assertThat(options.serverPid()).isEqualTo(4242);
  }

  @Test
  void triggersWithAPostAndNoHeadersByDefault() throws Exception {
    LoadGeneratorMain main = new LoadGeneratorMain();
    new CommandLine(main)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs("--target", "ws://127.0.0.1:4320/v1/opamp");

    LoadOptions options = main.options();

    assertThat(options.rolloutMethod()).isEqualTo("POST");
    assertThat(options.apiHeaders()).isEmpty();
    assertThat(options.serverPid()).isZero();
  }

  @Test
  void rejectsAnUnknownRolloutMethodAndMalformedHeaders() {
    String target = "ws://127.0.0.1:4320/v1/opamp";

    Outcome method = run("--target", target, "--rollout-method", "DELETE");
    Outcome noColon = run("--target", target, "--header", "Authorization Bearer x");
    Outcome noName = run("--target", target, "--header", ": x");
    Outcome restricted = run("--target", target, "--header", "Host: example.org");

    assertThat(method.exitCode()).isEqualTo(2);
    assertThat(method.err()).contains("rollout-method: DELETE (expected: POST or PUT)");
    assertThat(noColon.exitCode()).isEqualTo(2);
    assertThat(noColon.err()).contains("header: Authorization Bearer x (expected: Name: value");
    assertThat(noName.exitCode()).isEqualTo(2);
    assertThat(noName.err()).contains("header: : x (expected: Name: value");
    assertThat(restricted.exitCode()).isEqualTo(2);
    assertThat(restricted.err()).contains("header: Host (expected: a header the HTTP client");
    assertThat(run("--target", target, "--server-pid", "-1").err())
        .contains("server-pid: -1 (expected: >= 0");
  }

  @Test
  void readsRetryAfterSecondsAndTreatsDatesAsTheMinimum() {
    assertThat(SimulatedAgent.parseRetryAfterSeconds("7")).isEqualTo(7);
    assertThat(SimulatedAgent.parseRetryAfterSeconds(null)).isZero();
    assertThat(SimulatedAgent.parseRetryAfterSeconds("Wed, 21 Oct 2026 07:28:00 GMT"))
        .isEqualTo(30);
  }
}
