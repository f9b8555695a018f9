/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour that needs no particular upstream: the generic agent mode, orphan protection, the
 * supervisor's own health endpoint.
 */
class LocalBehaviourIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;
  private final ScriptedUpstream upstream = new ScriptedUpstream();
  private SupervisorProcess supervisor;

  @BeforeEach
  void startUpstream() {
    upstream.start();
  }

  @AfterEach
  void stopEverything() {
    if (supervisor != null) {
      supervisor.close();
    }
    upstream.close();
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  private SupervisorProcess start(String agent, String top) throws IOException {
    Path config =
        Files.writeString(
            work.resolve("supervisor.yaml"),
            "server:\n  endpoint: "
                + upstream.endpoint()
                + "\ncapabilities:\n  accepts_remote_config: true\n  reports_remote_config: true\n"
                + "  accepts_restart_command: true\n"
                + "agent:\n  executable: "
                + TestBinaries.fakeCollector()
                + "\n  config_apply_settle_time: 500ms\n  config_apply_timeout: 20s\n  bootstrap_timeout: 15s\n"
                + agent
                + "storage:\n  directory: "
                + work.resolve("storage")
                + "\n"
                + top);
    Files.createDirectories(Path.of("target", "scenario-logs"));
    supervisor =
        SupervisorProcess.start(
            config,
            Path.of("target", "scenario-logs", "LocalBehaviourIT-" + System.nanoTime() + ".log"),
            Map.of());
    return supervisor;
  }

  private String awaitAgent() {
    return await().atMost(TIMEOUT).until(upstream::agentIds, ids -> !ids.isEmpty()).get(0);
  }

  /**
   * A generic agent (no OpAMP extension): the remote config is written to a file the agent reads,
   * health comes from an HTTP probe, APPLIED follows a healthy probe.
   */
  @Test
  void genericAgentGetsItsConfigFileAndIsProbedForHealth() throws IOException {
    int port = TestBinaries.freePort();
    Path file = work.resolve("agent.yaml");
    Files.writeString(
        file,
        "receivers:\n  nop: {}\nexporters:\n  nop: {}\nservice:\n  telemetry:\n    metrics:\n      level: none\n  pipelines:\n    traces:\n      receivers: [nop]\n      exporters: [nop]\n");
    start(
        "  mode: generic\n  args: ['--config', '{config_file}']\n"
            + "  generic:\n    config_file: "
            + file
            + "\n    health_url: http://127.0.0.1:"
            + port
            + "/\n    health_interval: 500ms\n",
        "");
    String uid = awaitAgent();
    String body =
        SupervisorScenarios.pipeline(port).replace("processors: [batch]", "")
            + "  telemetry:\n    metrics:\n      level: none\n";
    String hash = upstream.offerConfig(uid, Map.of("", body));
    AgentView agent =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> upstream.agent(uid).orElseThrow(),
                a ->
                    a.remoteConfigStatus() != null
                        && a.remoteConfigStatus().hash().equals(hash)
                        && a.remoteConfigStatus().status().equals("APPLIED"));
    assertThat(Files.readString(file)).isEqualTo(body);
    assertThat(agent.effectiveConfig()).isEqualTo(body);
    assertThat(agent.health().healthy()).isTrue();
    assertThat(agent.identifying())
        .containsEntry("service.name", "otelcol")
        .containsEntry("service.instance.id", uid);
  }

  /** A collector whose supervisor is killed exits by itself (ppid watch, compat 4.5). */
  @Test
  void collectorExitsWhenItsSupervisorIsKilled() throws IOException {
    start("  orphan_detection_interval: 500ms\n", "");
    String uid = awaitAgent();
    await()
        .atMost(TIMEOUT)
        .until(() -> upstream.agent(uid).orElseThrow().health(), h -> h != null && h.healthy());
    List<Long> children = supervisor.children();
    assertThat(children).hasSize(1);
    ProcessHandle collector = ProcessHandle.of(children.get(0)).orElseThrow();
    supervisor.killAlone();
    await().atMost(Duration.ofSeconds(20)).until(() -> !collector.isAlive());
  }

  /** The supervisor's own endpoint: /health as upstream, /ready with the collector, /metrics. */
  @Test
  void healthEndpointReportsReadinessAndMetrics() throws IOException {
    int port = TestBinaries.freePort();
    start("", "healthcheck:\n  endpoint: 127.0.0.1:" + port + "\n");
    String uid = awaitAgent();
    await()
        .atMost(TIMEOUT)
        .until(() -> upstream.agent(uid).orElseThrow().health(), h -> h != null && h.healthy());
    await().atMost(TIMEOUT).until(() -> get(port, "/ready").startsWith("200"));
    assertThat(get(port, "/health")).startsWith("200");
    assertThat(get(port, "/metrics"))
        .contains("supervisor_agent_health_status{")
        .contains("supervisor_upstream_connected{")
        .contains("process_memory_usage_bytes{");
  }

  /**
   * A collector that ignores SIGTERM is killed after {@code stop_timeout} when it must stop (here
   * for the restart command, CM-03).
   */
  @Test
  void aCollectorThatIgnoresSigtermIsKilledAfterTheStopTimeout() throws IOException {
    start("  stop_timeout: 1s\n  env:\n    FAKE_OTELCOL_HANG_ON_SHUTDOWN: 'true'\n", "");
    String uid = awaitAgent();
    await()
        .atMost(TIMEOUT)
        .until(() -> upstream.agent(uid).orElseThrow().health(), h -> h != null && h.healthy());
    ProcessHandle first = ProcessHandle.of(supervisor.children().get(0)).orElseThrow();
    upstream.restart(uid);
    await().atMost(TIMEOUT).until(() -> !first.isAlive());
    await()
        .atMost(TIMEOUT)
        .until(() -> supervisor.children(), c -> c.size() == 1 && c.get(0) != first.pid());
    assertThat(supervisor.output()).contains("did not stop within 1000 ms of SIGTERM; killing it");
  }

  /** With {@code use_hup_config_reload} a new config reaches the same process by SIGHUP. */
  @Test
  void hupReloadAppliesAConfigWithoutANewProcess() throws IOException {
    start("  use_hup_config_reload: true\n  config_files: [" + localFile() + "]\n", "");
    String uid = awaitAgent();
    await()
        .atMost(TIMEOUT)
        .until(() -> upstream.agent(uid).orElseThrow().health(), h -> h != null && h.healthy());
    List<Long> before = supervisor.children();
    int port = TestBinaries.freePort();
    String hash = upstream.offerConfig(uid, Map.of("", SupervisorScenarios.pipeline(port)));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> upstream.agent(uid).orElseThrow().remoteConfigStatus(),
            s -> s != null && s.hash().equals(hash) && s.status().equals("APPLIED"));
    assertThat(supervisor.children()).isEqualTo(before);
    assertThat(SupervisorScenarios.httpStatus(port)).isEqualTo(200);
  }

  /** An own-metrics destination offered by the server becomes the collector's OTLP exporter. */
  @Test
  void ownMetricsOfferReachesTheCollectorConfig() throws IOException {
    start("", "");
    String uid = awaitAgent();
    await()
        .atMost(TIMEOUT)
        .until(() -> upstream.agent(uid).orElseThrow().health(), h -> h != null && h.healthy());
    upstream.offerOwnMetrics(uid, "http://127.0.0.1:4318/v1/metrics");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> upstream.agent(uid).orElseThrow(),
            a ->
                a.effectiveConfig().contains("endpoint: http://127.0.0.1:4318/v1/metrics")
                    && a.health() != null
                    && a.health().healthy());
    await()
        .atMost(TIMEOUT)
        .until(
            () -> Files.readString(work.resolve("storage/effective.yaml")),
            text -> text.contains("protocol: http/protobuf"));
    assertThat(work.resolve("storage/last_recv_own_telemetry_config.dat")).exists();
  }

  private Path localFile() throws IOException {
    return Files.writeString(
        work.resolve("local.yaml"),
        "processors:\n  batch: {}\nservice:\n  telemetry:\n    metrics:\n      level: none\n");
  }

  private static String get(int port, String path) {
    try {
      var c =
          (java.net.HttpURLConnection)
              java.net.URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int status = c.getResponseCode();
      var in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String body =
          in == null ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return status + " " + body;
    } catch (IOException e) {
      return "-1 " + e;
    }
  }
}
