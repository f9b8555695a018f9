/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opampfleet.tests.load.bench.BenchServer;
import org.opampfleet.tests.load.bench.FloorServer;
import org.opampfleet.tests.load.bench.ServeSettings;

/**
 * Runs the generator against an in-process bench server (and the floor) with a few hundred agents
 * over both transports, and checks what a person relies on: agents connect, messages flow, a
 * rollout reaches APPLIED, a storm comes back, and the summary and JSON carry the figures.
 */
@Timeout(120)
class LoadGeneratorIT {
  private static BenchServer bench;
  private static FloorServer floor;

  @BeforeAll
  static void startServers() throws Exception {
    bench = new BenchServer(ServeSettings.forTests());
    bench.start();
    floor = new FloorServer(ServeSettings.forTests());
    floor.start();
  }

  @AfterAll
  static void stopServers() {
    if (bench != null) {
      bench.close();
    }
    if (floor != null) {
      floor.close();
    }
  }

  private static LoadOptions options(
      InetSocketAddress opamp,
      InetSocketAddress admin,
      Scenario scenario,
      int agents,
      TransportMix mix,
      Duration duration,
      int workers) {
    String adminBase = "http://127.0.0.1:" + admin.getPort();
    return new LoadOptions(
        URI.create("ws://127.0.0.1:" + opamp.getPort() + "/v1/opamp"),
        scenario,
        agents,
        mix,
        duration,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        0.1,
        Duration.ofMillis(20),
        2_000,
        1_000,
        Duration.ofSeconds(30),
        Duration.ZERO,
        workers,
        18_000,
        10_000,
        8,
        1,
        "-Xmx256m -XX:+UseSerialGC",
        URI.create(adminBase + "/metrics"),
        URI.create(adminBase + "/rollout"),
        "POST",
        null,
        URI.create(adminBase + "/restart"),
        List.of(),
        0,
        1,
        StormMode.DROP,
        Duration.ZERO,
        50,
        2048,
        Duration.ofSeconds(1),
        42);
  }

  private record Run(Map<String, Object> result, String printed) {}

  private static Run run(LoadOptions options) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Map<String, Object> result = new Coordinator(options, out).run();
    Summary.print(result, out);
    return new Run(result, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  @SuppressWarnings("unchecked")
  void rollsOutToWebSocketAndHttpAgentsUntilEveryOneReported() throws Exception {
    Run run =
        run(
            options(
                bench.opampAddress(),
                bench.adminAddress(),
                Scenario.ROLLOUT,
                200,
                new TransportMix(0.5),
                Duration.ofSeconds(20),
                0));
    Map<String, Object> result = run.result();

    assertThat(result)
        .containsKeys(
            "tool",
            "options",
            "environment",
            "agents",
            "counters",
            "errors",
            "latency",
            "phases",
            "server",
            "limits_hit",
            "failures",
            "complete",
            "exit_code");
    assertThat(result.get("complete")).as(run.printed()).isEqualTo(true);
    assertThat(result.get("exit_code")).isEqualTo(Coordinator.EXIT_OK);
    Map<String, Object> agents = (Map<String, Object>) result.get("agents");
    assertThat(agents).containsEntry("websocket", 100).containsEntry("http", 100);
    assertThat(agents.get("connected_at_end")).isEqualTo(200);
    Map<String, Object> counters = (Map<String, Object>) result.get("counters");
    assertThat((Long) counters.get("messages_sent")).isGreaterThan(400);
    assertThat((Long) counters.get("messages_received")).isGreaterThan(400);
    assertThat((Long) counters.get("polls_sent")).isPositive();
    assertThat((Long) counters.get("configs_applied") + (Long) counters.get("configs_failed"))
        .isGreaterThanOrEqualTo(200);
    assertThat((Long) counters.get("configs_failed")).isPositive(); // --fail-fraction 0.1
    Map<String, Object> phases = (Map<String, Object>) result.get("phases");
    Map<String, Object> rollout =
        ((List<Map<String, Object>>) ((Map<String, Object>) phases.get("rollout")).get("rollouts"))
            .get(0);
    assertThat(rollout.get("completed")).isEqualTo(true);
    assertThat(rollout.get("agents_reported")).isEqualTo(200L);
    assertThat((Map<String, Object>) rollout.get("latency"))
        .containsKeys("p50_ms", "p99_ms", "max_ms");
    Map<String, Object> latency = (Map<String, Object>) result.get("latency");
    assertThat(latency).containsKeys("connect", "reply", "poll", "rollout");
    Map<String, Object> server = (Map<String, Object>) result.get("server");
    assertThat(server).containsKeys("heap_bytes_per_agent", "loaded_heap_after_gc_bytes");
    assertThat(run.printed())
        .contains("=== summary: rollout")
        .contains("rollout 1")
        .contains("result      complete");

    String json = Json.MAPPER.writeValueAsString(result);
    Map<String, Object> parsed = Json.MAPPER.readValue(json, Map.class);
    assertThat(parsed).containsKey("latency");
  }

  @Test
  @SuppressWarnings("unchecked")
  void bringsEveryWebSocketAgentBackAfterAStorm() {
    Run run =
        run(
            options(
                bench.opampAddress(),
                bench.adminAddress(),
                Scenario.STORM,
                150,
                TransportMix.WEBSOCKET,
                Duration.ofSeconds(20),
                0));

    assertThat(run.result().get("complete")).as(run.printed()).isEqualTo(true);
    Map<String, Object> storm =
        (Map<String, Object>) ((Map<String, Object>) run.result().get("phases")).get("storm");
    assertThat(storm).containsEntry("all_back", true).containsEntry("agents_back", 150L);
    assertThat((Map<String, Object>) storm.get("during_storm")).containsKey("rejected_http_503");
    assertThat(run.printed()).contains("storm       150 of 150 back");
  }

  @Test
  @SuppressWarnings("unchecked")
  void measuresTheFloorFromTwoWorkerProcesses() {
    Run run =
        run(
            options(
                floor.opampAddress(),
                floor.adminAddress(),
                Scenario.IDLE,
                100,
                TransportMix.WEBSOCKET,
                Duration.ofSeconds(3),
                2));

    assertThat(run.result().get("complete")).as(run.printed()).isEqualTo(true);
    Map<String, Object> environment = (Map<String, Object>) run.result().get("environment");
    assertThat(environment).containsEntry("workers", 2).containsEntry("in_process", false);
    Map<String, Object> counters = (Map<String, Object>) run.result().get("counters");
    assertThat((Long) counters.get("heartbeats_sent")).isPositive();
    assertThat((Map<String, Object>) run.result().get("server"))
        .containsKey("server_cpu_percent_of_one_core");
  }
}
