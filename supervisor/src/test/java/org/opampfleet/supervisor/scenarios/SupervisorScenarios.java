/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's scenarios from issue #6, with real processes on loopback: the supervisor jar
 * (through its launcher), the fake collector, and an upstream OpAMP server given by {@link
 * #createUpstream()}. Subclasses choose the upstream: {@link LocalUpstreamSupervisorIT} uses {@link
 * ScriptedUpstream}; {@code tests/e2e} can run the same scenarios against the control plane by
 * implementing {@link UpstreamFixture}.
 *
 * <p>Each scenario cites the checklist items it exercises. Every process started is stopped after
 * the test, also when it fails; the supervisor's output is kept in {@code
 * target/scenario-logs/<test>/supervisor.log} and printed when a scenario fails.
 */
public abstract class SupervisorScenarios {
  /** Generous: two cores shared with other builds, and a JVM-based fake collector. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(60);

  protected @TempDir Path work;
  protected UpstreamFixture upstream;
  private final List<SupervisorProcess> supervisors = new ArrayList<>();
  private Path logDir;
  private int supervisorRuns;

  /** Returns a new, not yet started, upstream server. */
  protected abstract UpstreamFixture createUpstream();

  @BeforeEach
  void setUpUpstream(TestInfo info) throws IOException {
    upstream = createUpstream();
    upstream.start();
    logDir =
        Path.of(
            "target",
            "scenario-logs",
            getClass().getSimpleName() + "-" + info.getTestMethod().orElseThrow().getName());
    Files.createDirectories(logDir);
    try (var old = Files.list(logDir)) {
      for (Path file : old.toList()) {
        Files.delete(file);
      }
    }
  }

  @AfterEach
  void stopEverything() {
    for (SupervisorProcess supervisor : supervisors) {
      supervisor.close();
    }
    upstream.close();
    // Nothing this test started may outlive it.
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  // ---------------------------------------------------------------------------------------------
  // Scenarios

  /** The agent appears with its description (overrides applied) and its components (AV-04). */
  @Test
  void agentAppearsWithDescriptionAndComponents() throws IOException {
    start(config(""));
    String uid = awaitAgent();
    AgentView agent =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> view(uid),
                a -> !a.components().isEmpty() && a.health() != null && a.health().healthy());
    assertThat(agent.identifying())
        .containsEntry("service.instance.id", uid)
        .containsEntry("service.name", "otelcol-fake")
        .containsKey("service.version");
    assertThat(agent.nonIdentifying())
        .containsEntry("deployment.environment", "scenario")
        .containsKeys("host.name", "os.type");
    assertThat(agent.components().get("receivers")).contains("otlp", "nop");
    assertThat(agent.components().get("extensions")).contains("opamp", "health_check");
    assertThat(agent.capabilities())
        .contains(
            "ACCEPTS_REMOTE_CONFIG",
            "REPORTS_EFFECTIVE_CONFIG",
            "REPORTS_HEALTH",
            "REPORTS_AVAILABLE_COMPONENTS");
    // The local link's token never leaves the host (redacted by the supervisor and the collector).
    assertThat(agent.effectiveConfig())
        .contains("opamp")
        .doesNotContainPattern("Bearer [A-Za-z0-9_-]{16,}");
  }

  /**
   * A remote config is merged with the local file, applied, reported APPLYING then APPLIED (RC-07)
   * and shown as effective config (EC-02); the collector really runs it.
   */
  @Test
  void remoteConfigIsMergedAppliedAndReportedAsEffectiveConfig() throws IOException {
    start(config(""));
    String uid = awaitHealthyAgent();
    int port = TestBinaries.freePort();
    String hash = upstream.offerConfig(uid, Map.of("", pipeline(port)));
    AgentView agent = awaitStatus(uid, hash, "APPLIED");
    assertThat(statusesOf(agent, hash)).containsSubsequence("APPLYING", "APPLIED");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> view(uid).effectiveConfig(),
            text ->
                text.contains("127.0.0.1:" + port)
                    && text.contains("batch")
                    && text.contains("opamp"));
    assertThat(httpStatus(port)).isEqualTo(200);
  }

  /**
   * With {@code validate_config}, an invalid config is reported FAILED with the validator's output
   * and never reaches the running collector, which keeps its config (RC-07, RC-10).
   */
  @Test
  void invalidConfigIsReportedFailedAndThePreviousConfigKeepsRunning() throws IOException {
    start(config("  validate_config: true\n"));
    String uid = awaitHealthyAgent();
    int port = TestBinaries.freePort();
    String good = upstream.offerConfig(uid, Map.of("", pipeline(port)));
    awaitStatus(uid, good, "APPLIED");
    long startTime = awaitHealthy(uid).startTimeUnixNano();

    String bad = upstream.offerConfig(uid, Map.of("", invalidPipeline()));
    AgentView failed = awaitStatus(uid, bad, "FAILED");
    assertThat(failed.remoteConfigStatus().errorMessage())
        .contains("configuration validation failed")
        .contains("unknown type: \"doesnotexist\"");
    assertThat(httpStatus(port)).isEqualTo(200);
    AgentView now = view(uid);
    assertThat(now.health().healthy()).isTrue();
    assertThat(now.health().startTimeUnixNano()).isEqualTo(startTime);
    assertThat(now.effectiveConfig()).contains("127.0.0.1:" + port).doesNotContain("doesnotexist");
  }

  /**
   * With {@code automatic_config_rollback}, a config that makes the collector fail is reported
   * FAILED with the collector's log tail, and the last working one is restored and reported
   * APPLIED: APPLIED(A) → APPLYING(B) → FAILED(B) → APPLIED(A) (compat reference 5.6).
   */
  @Test
  void failingConfigIsRolledBackToTheLastWorkingOne() throws IOException {
    start(config("  automatic_config_rollback: true\n"));
    String uid = awaitHealthyAgent();
    int port = TestBinaries.freePort();
    String good = upstream.offerConfig(uid, Map.of("", pipeline(port)));
    awaitStatus(uid, good, "APPLIED");

    String bad = upstream.offerConfig(uid, Map.of("", invalidPipeline()));
    AgentView after =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> view(uid),
                a -> {
                  List<String> seq = sequence(a, good, bad);
                  int applying = seq.indexOf("APPLYING(B)");
                  return applying >= 0
                      && seq.subList(applying, seq.size())
                          .containsAll(List.of("FAILED(B)", "APPLIED(A)"));
                });
    assertThat(sequence(after, good, bad))
        .containsSubsequence("APPLIED(A)", "APPLYING(B)", "FAILED(B)", "APPLIED(A)");
    AgentView.ConfigStatus failure =
        after.statusHistory().stream()
            .filter(s -> s.hash().equals(bad) && s.status().equals("FAILED"))
            .findFirst()
            .orElseThrow();
    assertThat(failure.errorMessage())
        .contains("exit code 1")
        .contains("Collector log tail")
        .contains("unknown type: \"doesnotexist\"");
    // A server that resends B on the hash mismatch is answered FAILED(B) again, without a new
    // attempt (no flip-flop); one that accepts the rollback sees APPLIED(A) last.
    AgentView.ConfigStatus last = view(uid).remoteConfigStatus();
    assertThat(last.status() + "(" + (last.hash().equals(good) ? "A" : "B") + ")")
        .isIn("APPLIED(A)", "FAILED(B)");
    assertThat(statusesOf(view(uid), bad)).containsOnlyOnce("APPLYING");
    await().atMost(TIMEOUT).until(() -> httpStatus(port) == 200);
    await().atMost(TIMEOUT).until(() -> view(uid).effectiveConfig().contains("127.0.0.1:" + port));
  }

  /**
   * A collector that keeps crashing is restarted with growing delays and reported unhealthy with
   * the exit code and its log tail, then as a crash loop (compat reference 6.1; HL-03, HL-04).
   */
  @Test
  void crashingCollectorIsRestartedWithBackoffAndReportedUnhealthy() throws IOException {
    start(config(""));
    String uid = awaitHealthyAgent();
    String crashing = upstream.offerConfig(uid, Map.of("", crashingPipeline(3)));
    AgentView failed = awaitStatus(uid, crashing, "FAILED");
    assertThat(failed.remoteConfigStatus().errorMessage()).contains("exit code 3");
    List<AgentView.Health> seen = new ArrayList<>();
    AgentView looping =
        await()
            .atMost(TIMEOUT)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  AgentView a = view(uid);
                  if (a.health() != null
                      && !a.health().healthy()
                      && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(a.health()))) {
                    seen.add(a.health());
                  }
                  return a;
                },
                a -> a.health() != null && a.health().status().equals("CrashLoop"));
    AgentView.Health health = looping.health();
    assertThat(health.healthy()).isFalse();
    assertThat(health.startTimeUnixNano()).isZero();
    assertThat(health.lastError())
        .contains("exited unexpectedly, exit code=3")
        .contains("Collector log tail")
        .contains("crashing as configured");
    assertThat(health.attributes()).containsEntry("process.exit_code", "3");
    assertThat(Integer.parseInt(health.attributes().get("restart.attempt")))
        .isGreaterThanOrEqualTo(3);
    List<Long> delays = new ArrayList<>();
    for (AgentView.Health h : seen) {
      String delay = h.attributes().get("restart.delay_ms");
      if (delay != null) {
        delays.add(Long.parseLong(delay));
      }
    }
    // Nominal delays 250 ms, 500 ms, 1 s…, each jittered within [nominal/2, nominal].
    assertThat(delays).isNotEmpty();
    assertThat(delays.get(delays.size() - 1)).isGreaterThanOrEqualTo(delays.get(0));
  }

  /**
   * The server is down when the supervisor starts: the collector runs the last persisted remote
   * config at once, and the supervisor reports it APPLIED when the server comes back without being
   * sent it again (RC-11).
   */
  @Test
  void serverDownAtStartRunsTheLastPersistedConfig() throws IOException {
    Path config = config("");
    SupervisorProcess first = start(config);
    String uid = awaitHealthyAgent();
    int port = TestBinaries.freePort();
    String hash = upstream.offerConfig(uid, Map.of("", pipeline(port)));
    awaitStatus(uid, hash, "APPLIED");
    first.stop();
    await().atMost(TIMEOUT).until(() -> httpStatus(port) != 200);

    upstream.stop();
    start(config);
    await().atMost(TIMEOUT).until(() -> httpStatus(port) == 200);

    upstream.start();
    AgentView back =
        await()
            .atMost(TIMEOUT)
            .until(() -> view(uid), a -> a.connected() && a.remoteConfigStatus() != null);
    assertThat(back.remoteConfigStatus().hash()).isEqualTo(hash);
    assertThat(back.remoteConfigStatus().status()).isEqualTo("APPLIED");
  }

  /** Nothing persisted and no server: the start-up fallback config runs (compat reference 2.1). */
  @Test
  void fallbackConfigRunsWhenNothingIsPersistedAndTheServerIsDown() throws IOException {
    int port = TestBinaries.freePort();
    Path fallback = work.resolve("fallback.yaml");
    Files.writeString(fallback, pipeline(port).replace("processors: [batch]", ""));
    upstream.stop();
    start(config("  startup_fallback_configs: [" + fallback + "]\n"));
    await().atMost(TIMEOUT).until(() -> httpStatus(port) == 200);
  }

  /** The restart command restarts the collector (CM-03); it comes back healthy. */
  @Test
  void restartCommandRestartsTheCollector() throws IOException {
    start(config(""));
    String uid = awaitHealthyAgent();
    long before = awaitHealthy(uid).startTimeUnixNano();
    upstream.restart(uid);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> view(uid).health(),
            h ->
                h != null
                    && h.healthy()
                    && h.startTimeUnixNano() != before
                    && h.startTimeUnixNano() != 0);
  }

  /** The instance UID survives a supervisor restart (UID-03). */
  @Test
  void supervisorRestartKeepsTheInstanceUid() throws IOException {
    Path config = config("");
    SupervisorProcess first = start(config);
    String uid = awaitHealthyAgent();
    first.stop();
    await().atMost(TIMEOUT).until(() -> !view(uid).connected());
    start(config);
    await().atMost(TIMEOUT).until(() -> view(uid).connected());
    awaitHealthy(uid);
    assertThat(upstream.agentIds()).containsExactly(uid);
  }

  /**
   * A UID the server assigns replaces the generated one, reaches the collector and the description,
   * and is kept across a supervisor restart (UID-07, UID-12).
   */
  @Test
  void serverAssignedInstanceUidIsAdoptedAndKept() throws IOException {
    if (!upstream.canAssignInstanceUid()) {
      return;
    }
    Path config = config("");
    SupervisorProcess first = start(config);
    String uid = awaitHealthyAgent();
    String assigned = "0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f";
    upstream.assignInstanceUid(uid, assigned);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> upstream.agent(assigned),
            a ->
                a.isPresent()
                    && a.get()
                        .identifying()
                        .getOrDefault("service.instance.id", "")
                        .equals(assigned)
                    && a.get().health() != null
                    && a.get().health().healthy()
                    && a.get().effectiveConfig().contains(assigned));
    first.stop();
    start(config);
    await()
        .atMost(TIMEOUT)
        .until(() -> upstream.agent(assigned).map(AgentView::connected).orElse(false));
    assertThat(Files.readString(work.resolve("storage/persistent_state.yaml"))).contains(assigned);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** Starts a supervisor; it is stopped after the test. */
  protected SupervisorProcess start(Path config) {
    supervisorRuns++;
    SupervisorProcess process =
        SupervisorProcess.start(
            config, logDir.resolve("supervisor-" + supervisorRuns + ".log"), Map.of());
    supervisors.add(process);
    return process;
  }

  /**
   * Writes a supervisor config for this test: all capabilities the scenarios need, short timings,
   * storage under the test's directory, and a local file that defines a {@code batch} processor and
   * turns the collector's self-metrics off.
   *
   * @param agentExtras more {@code agent:} keys, each line indented by two spaces
   */
  protected Path config(String agentExtras) throws IOException {
    Path local = work.resolve("local.yaml");
    Files.writeString(
        local,
        "processors:\n  batch: {}\nservice:\n  telemetry:\n    metrics:\n      level: none\n");
    String yaml =
        "server:\n"
            + "  endpoint: "
            + upstream.endpoint()
            + "\n"
            + "capabilities:\n"
            + "  accepts_remote_config: true\n"
            + "  reports_remote_config: true\n"
            + "  reports_effective_config: true\n"
            + "  reports_health: true\n"
            + "  reports_available_components: true\n"
            + "  accepts_restart_command: true\n"
            + "agent:\n"
            + "  executable: "
            + TestBinaries.fakeCollector()
            + "\n"
            + "  config_files: ["
            + local
            + "]\n"
            + "  description:\n"
            + "    non_identifying_attributes:\n"
            + "      deployment.environment: scenario\n"
            + "  orphan_detection_interval: 1s\n"
            + "  bootstrap_timeout: 15s\n"
            + "  config_apply_timeout: 20s\n"
            + "  config_apply_settle_time: 500ms\n"
            + "  stop_timeout: 5s\n"
            + "  restart:\n"
            + "    initial_delay: 250ms\n"
            + "    max_delay: 2s\n"
            + "    reset_after: 30s\n"
            + "    crash_loop_threshold: 3\n"
            + agentExtras
            + "storage:\n"
            + "  directory: "
            + work.resolve("storage")
            + "\n"
            + "telemetry:\n"
            + "  logs:\n"
            + "    encoding: console\n";
    Path file = work.resolve("supervisor.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** A pipeline that uses the local {@code batch} processor and serves health on {@code port}. */
  protected static String pipeline(int healthPort) {
    return "receivers:\n"
        + "  otlp:\n"
        + "    protocols:\n"
        + "      grpc:\n"
        + "        endpoint: 127.0.0.1:0\n"
        + "exporters:\n"
        + "  debug: {}\n"
        + "extensions:\n"
        + "  health_check:\n"
        + "    endpoint: 127.0.0.1:"
        + healthPort
        + "\n"
        + "service:\n"
        + "  extensions: [health_check]\n"
        + "  pipelines:\n"
        + "    traces:\n"
        + "      receivers: [otlp]\n"
        + "      processors: [batch]\n"
        + "      exporters: [debug]\n";
  }

  /** A config the collector refuses: an unknown receiver type. */
  protected static String invalidPipeline() {
    return "receivers:\n"
        + "  doesnotexist: {}\n"
        + "exporters:\n"
        + "  debug: {}\n"
        + "service:\n"
        + "  pipelines:\n"
        + "    traces:\n"
        + "      receivers: [doesnotexist]\n"
        + "      exporters: [debug]\n";
  }

  /**
   * A valid config whose collector crashes 300 ms after start with {@code exitCode}, before it ever
   * becomes ready (so no timing decides whether it counts as applied).
   */
  protected static String crashingPipeline(int exitCode) {
    return "receivers:\n"
        + "  otlp: {}\n"
        + "exporters:\n"
        + "  debug: {}\n"
        + "extensions:\n"
        + "  fault:\n"
        + "    start_delay: 30s\n"
        + "    crash_after: 300ms\n"
        + "    exit_code: "
        + exitCode
        + "\n"
        + "service:\n"
        + "  extensions: [fault]\n"
        + "  pipelines:\n"
        + "    traces:\n"
        + "      receivers: [otlp]\n"
        + "      exporters: [debug]\n";
  }

  /** Waits for exactly one agent and returns its UID. */
  protected String awaitAgent() {
    return await().atMost(TIMEOUT).until(upstream::agentIds, ids -> !ids.isEmpty()).get(0);
  }

  protected String awaitHealthyAgent() {
    String uid = awaitAgent();
    awaitHealthy(uid);
    return uid;
  }

  protected AgentView.Health awaitHealthy(String uid) {
    return await().atMost(TIMEOUT).until(() -> view(uid).health(), h -> h != null && h.healthy());
  }

  protected AgentView awaitStatus(String uid, String hash, String status) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> view(uid),
            a ->
                a.remoteConfigStatus() != null
                    && a.remoteConfigStatus().hash().equals(hash)
                    && a.remoteConfigStatus().status().equals(status));
  }

  protected AgentView view(String uid) {
    Optional<AgentView> agent = upstream.agent(uid);
    return agent.orElseThrow(() -> new AssertionError("the upstream never saw agent " + uid));
  }

  /** Returns the status history as {@code STATUS(A)} / {@code STATUS(B)} for two hashes. */
  protected static List<String> sequence(AgentView agent, String a, String b) {
    List<String> out = new ArrayList<>();
    for (AgentView.ConfigStatus s : agent.statusHistory()) {
      out.add(s.status() + (s.hash().equals(a) ? "(A)" : s.hash().equals(b) ? "(B)" : "(?)"));
    }
    return out;
  }

  protected static List<String> statusesOf(AgentView agent, String hash) {
    List<String> out = new ArrayList<>();
    for (AgentView.ConfigStatus s : agent.statusHistory()) {
      if (s.hash().equals(hash)) {
        out.add(s.status());
      }
    }
    return out;
  }

  /** Returns the HTTP status of {@code GET http://127.0.0.1:port/}, or -1 if nothing answers. */
  protected static int httpStatus(int port) {
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      return c.getResponseCode();
    } catch (IOException e) {
      return -1;
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  /** Returns the supervisors' output so far, for failure messages. */
  protected String supervisorOutput() {
    StringBuilder out = new StringBuilder();
    for (SupervisorProcess s : supervisors) {
      out.append(s.output());
    }
    return out.toString();
  }

  protected static Map<String, String> files(String... nameAndBody) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < nameAndBody.length; i += 2) {
      out.put(nameAndBody[i], nameAndBody[i + 1]);
    }
    return out;
  }

  protected static @Nullable String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
