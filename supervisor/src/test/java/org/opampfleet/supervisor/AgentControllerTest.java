/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.wire.InstanceUidGenerator;
import org.opampfleet.supervisor.config.EffectiveConfigComposer;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.opampfleet.supervisor.process.CollectorCommands;
import org.opampfleet.supervisor.process.LogCapture;
import org.opampfleet.supervisor.process.RestartPolicy;
import org.opampfleet.supervisor.state.PersistentState;
import org.opampfleet.supervisor.state.StateStore;
import org.opampfleet.supervisor.state.StorageDirectory;
import org.opampfleet.supervisor.telemetry.SupervisorMetrics;

/**
 * The agent's state machine on virtual time, with a fake process and a recording upstream: honest
 * statuses (RC-07), rollback (compat 5.6), backoff and crash loops (compat 6.1), stale reports.
 */
class AgentControllerTest {
  @TempDir Path dir;
  private final ManualScheduler loop = new ManualScheduler();
  private final List<FakeAgent> agents = new ArrayList<>();
  private final RecordingUpstream upstream = new RecordingUpstream();
  private long connections;
  private StateStore store;
  private AgentController controller;
  private PersistentState state;

  @BeforeEach
  void setUp() throws IOException {
    build("");
  }

  private void build(String agentExtras) throws IOException {
    Path exe = Files.writeString(dir.resolve("otelcol"), "#!/bin/sh\n");
    SupervisorConfig config =
        SupervisorConfig.parse(
            "server:\n  endpoint: ws://127.0.0.1:1/v1/opamp\n"
                + "capabilities:\n  accepts_remote_config: true\n  reports_remote_config: true\n"
                + "agent:\n  executable: "
                + exe
                + "\n  config_apply_timeout: 5s\n  config_apply_settle_time: 1s\n"
                + "  restart:\n    initial_delay: 1s\n    max_delay: 8s\n    crash_loop_threshold: 3\n"
                + agentExtras
                + "storage:\n  directory: "
                + dir.resolve("storage")
                + "\n",
            name -> null);
    store = new StateStore(StorageDirectory.open(config.storageDirectory()), w -> {});
    state = store.loadOrCreateState(null, InstanceUidGenerator.system()::next);
    controller =
        new AgentController(
            config,
            store,
            state,
            new EffectiveConfigComposer(name -> null, w -> {}),
            new CollectorCommands(exe, List.of(), null),
            loop,
            loop.clock(),
            new SupervisorMetrics(loop.clock()),
            upstream,
            command -> {
              FakeAgent agent = new FakeAgent(agents.size() + 1, loop.clock().instant());
              agents.add(agent);
              return agent;
            },
            LogCapture.passthrough(4096),
            new RestartPolicy(config.agent().restart(), new SplittableRandom(7)),
            AgentDescription.getDefaultInstance(),
            4242);
    controller.setLink(1234, "token", () -> connections);
    controller.setFeatureGates(true);
    controller.startUp();
    loop.runDue();
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void appliedIsReportedOnlyAfterTheCollectorStayedHealthyForTheSettleTime() {
    assertThat(agents).hasSize(1);
    healthy();
    AgentRemoteConfig a = remote("a", "receivers:\n  otlp: {}\n");
    controller.onRemoteConfig(a);
    loop.runDue();
    assertThat(upstream.statuses()).containsExactly("APPLYING(a)");
    assertThat(agents).hasSize(2);
    assertThat(agents.get(0).stopRequested).isTrue();
    healthy();
    loop.advance(Duration.ofMillis(999));
    assertThat(upstream.statuses()).containsExactly("APPLYING(a)");
    loop.advance(Duration.ofMillis(1));
    assertThat(upstream.statuses()).containsExactly("APPLYING(a)", "APPLIED(a)");
    assertThat(
            store
                .loadOrCreateState(null, InstanceUidGenerator.system()::next)
                .lastRemoteConfigStatus()
                .getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
    assertThat(store.lastWorkingRemoteConfig()).contains(a);
  }

  @Test
  void healthFromTheStoppedCollectorDoesNotCount() {
    healthy();
    long old = connections;
    controller.onRemoteConfig(remote("a", "receivers:\n  otlp: {}\n"));
    // The old collector's last report arrives after it was stopped.
    controller.onCollectorMessage(old, health(true));
    loop.advance(Duration.ofSeconds(2));
    assertThat(upstream.statuses()).containsExactly("APPLYING(a)");
  }

  @Test
  void noHealthyReportWithinTheTimeoutIsFailed() {
    controller.onRemoteConfig(remote("a", "receivers:\n  otlp: {}\n"));
    loop.advance(Duration.ofSeconds(5));
    assertThat(upstream.statuses()).containsExactly("APPLYING(a)", "FAILED(a)");
    assertThat(upstream.lastStatus().getErrorMessage()).startsWith("Config apply timeout exceeded");
  }

  @Test
  void anExitDuringApplyIsFailedAndTheLastWorkingConfigIsRestored() throws IOException {
    agents.clear();
    build("  automatic_config_rollback: true\n");
    apply(remote("a", "receivers:\n  otlp: {}\n"));
    controller.onRemoteConfig(remote("b", "receivers:\n  broken: {}\n"));
    loop.runDue();
    FakeAgent b = agents.get(agents.size() - 1);
    b.exitWith(1);
    loop.runDue();
    assertThat(upstream.statuses()).containsSubsequence("APPLIED(a)", "APPLYING(b)", "FAILED(b)");
    assertThat(upstream.lastStatus().getErrorMessage())
        .startsWith("Agent exited unexpectedly with exit code 1 while applying configuration");
    FakeAgent restored = agents.get(agents.size() - 1);
    assertThat(restored).isNotSameAs(b);
    healthy();
    loop.advance(Duration.ofSeconds(1));
    assertThat(upstream.statuses()).containsSubsequence("APPLYING(b)", "FAILED(b)", "APPLIED(a)");
    // Persisted: still FAILED for b, so a restart does not run b again.
    RemoteConfigStatus persisted =
        store.loadOrCreateState(null, InstanceUidGenerator.system()::next).lastRemoteConfigStatus();
    assertThat(persisted.getStatus()).isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
    assertThat(persisted.getLastRemoteConfigHash().toStringUtf8()).isEqualTo("b");
  }

  @Test
  void aFailedConfigSentAgainIsNotReappliedBeforeItsBackoff() {
    apply(remote("a", "receivers:\n  otlp: {}\n"));
    AgentRemoteConfig b = remote("b", "receivers:\n  broken: {}\n");
    controller.onRemoteConfig(b);
    loop.runDue();
    agents.get(agents.size() - 1).exitWith(1);
    loop.runDue();
    int started = agents.size();
    controller.onRemoteConfig(b);
    loop.runDue();
    assertThat(upstream.lastStatus().getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
    assertThat(upstream.lastStatus().getErrorMessage()).contains("it is not applied again before");
    assertThat(agents).hasSize(started);
  }

  @Test
  void crashesAreRestartedWithGrowingDelaysAndBecomeACrashLoop() {
    List<Long> delays = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      FakeAgent current = agents.get(agents.size() - 1);
      current.exitWith(3);
      loop.runDue();
      ComponentHealth h = upstream.lastHealth();
      assertThat(h.getHealthy()).isFalse();
      assertThat(h.getStartTimeUnixNano()).isZero();
      assertThat(h.getLastError()).contains("exited unexpectedly, exit code=3");
      assertThat(h.getStatus()).isEqualTo(i < 3 ? HealthReports.EXITED : HealthReports.CRASH_LOOP);
      long delay = attribute(h, "restart.delay_ms");
      delays.add(delay);
      int before = agents.size();
      loop.advance(Duration.ofMillis(delay - 1));
      assertThat(agents).hasSize(before);
      loop.advance(Duration.ofMillis(1));
      assertThat(agents).hasSize(before + 1);
    }
    // Nominal 1 s, 2 s, 4 s, each jittered within [nominal/2, nominal].
    assertThat(delays.get(0)).isBetween(500L, 1000L);
    assertThat(delays.get(1)).isBetween(1000L, 2000L);
    assertThat(delays.get(2)).isBetween(2000L, 4000L);
  }

  @Test
  void anEmptyRemoteConfigStopsTheCollectorAndIsAppliedAndHealthy() {
    healthy();
    controller.onRemoteConfig(
        AgentRemoteConfig.newBuilder().setConfigHash(ByteString.copyFromUtf8("empty")).build());
    loop.runDue();
    assertThat(agents.get(0).stopRequested).isTrue();
    assertThat(agents).hasSize(1);
    assertThat(upstream.statuses()).containsExactly("APPLYING(empty)", "APPLIED(empty)");
    assertThat(upstream.lastHealth().getHealthy()).isTrue();
    assertThat(upstream.lastHealth().getStatus()).isEqualTo(HealthReports.STOPPED);
  }

  @Test
  void theSameConfigSentAgainWhileItIsAppliedIsNotReportedEarly() {
    AgentRemoteConfig a = remote("a", "receivers:\n  otlp: {}\n");
    controller.onRemoteConfig(a);
    loop.runDue();
    controller.onRemoteConfig(a);
    loop.runDue();
    assertThat(upstream.statuses()).containsExactly("APPLYING(a)");
  }

  // ---------------------------------------------------------------------------------------------

  private void apply(AgentRemoteConfig config) {
    controller.onRemoteConfig(config);
    loop.runDue();
    healthy();
    loop.advance(Duration.ofSeconds(1));
    assertThat(upstream.lastStatus().getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
  }

  /** The current collector connects (a new connection) and reports healthy. */
  private void healthy() {
    connections++;
    controller.onCollectorMessage(connections, health(true));
  }

  private AgentToServer health(boolean healthy) {
    return AgentToServer.newBuilder()
        .setInstanceUid(state.instanceId().toByteString())
        .setHealth(
            ComponentHealth.newBuilder()
                .setHealthy(healthy)
                .setStatus(healthy ? "StatusOK" : "StatusStarting"))
        .build();
  }

  private static AgentRemoteConfig remote(String hash, String body) {
    return AgentRemoteConfig.newBuilder()
        .setConfigHash(ByteString.copyFromUtf8(hash))
        .setConfig(
            AgentConfigMap.newBuilder()
                .putConfigMap(
                    "",
                    AgentConfigFile.newBuilder().setBody(ByteString.copyFromUtf8(body)).build()))
        .build();
  }

  private static long attribute(ComponentHealth health, String key) {
    return health.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .findFirst()
        .orElseThrow()
        .getValue()
        .getIntValue();
  }

  /** A process that runs until the test ends it. */
  private static final class FakeAgent implements RunningAgent {
    final long pid;
    final Instant startedAt;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    boolean stopRequested;

    FakeAgent(long pid, Instant startedAt) {
      this.pid = pid;
      this.startedAt = startedAt;
    }

    void exitWith(int code) {
      exit.complete(code);
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public Instant startedAt() {
      return startedAt;
    }

    @Override
    public CompletableFuture<Integer> exit() {
      return exit;
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    @Override
    public boolean isStopRequested() {
      return stopRequested;
    }

    @Override
    public void reload() {}

    @Override
    public int stop(Duration grace) {
      stopRequested = true;
      exit.complete(0);
      return 0;
    }
  }

  /** Records what the controller reports upstream. */
  private static final class RecordingUpstream implements UpstreamPort {
    final List<ComponentHealth> health = new ArrayList<>();
    final List<RemoteConfigStatus> statuses = new ArrayList<>();

    List<String> statuses() {
      List<String> out = new ArrayList<>();
      for (RemoteConfigStatus s : statuses) {
        out.add(
            s.getStatus().name().replace("RemoteConfigStatuses_", "")
                + "("
                + s.getLastRemoteConfigHash().toStringUtf8()
                + ")");
      }
      return out;
    }

    RemoteConfigStatus lastStatus() {
      return statuses.get(statuses.size() - 1);
    }

    ComponentHealth lastHealth() {
      return health.get(health.size() - 1);
    }

    @Override
    public void setHealth(ComponentHealth h) {
      health.add(h);
    }

    @Override
    public void setRemoteConfigStatus(RemoteConfigStatus status) {
      statuses.add(status);
    }

    @Override
    public void updateEffectiveConfig() {}

    @Override
    public void setAgentDescription(AgentDescription description) {}

    @Override
    public void setAvailableComponents(AvailableComponents components) {}

    @Override
    public void setCustomCapabilities(CustomCapabilities capabilities) {}

    @Override
    public void sendCustomMessage(CustomMessage message) {}
  }
}
