/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;

/**
 * The protocol behaviour of one simulated agent, driven by hand: no socket is opened (the agent is
 * never started), messages are built and answers handed in directly.
 */
class SimulatedAgentTest {
  private AgentFleet fleet;

  @AfterEach
  void stopFleet() {
    if (fleet != null) {
      fleet.stop(Duration.ZERO);
    }
  }

  private SimulatedAgent httpAgent(double failFraction) {
    LoadOptions options =
        new LoadOptions(
            URI.create("ws://127.0.0.1:4320/v1/opamp"),
            Scenario.IDLE,
            1,
            TransportMix.HTTP,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            failFraction,
            Duration.ZERO,
            1,
            1,
            Duration.ofSeconds(1),
            Duration.ZERO,
            0,
            18_000,
            0,
            1,
            1,
            "",
            null,
            null,
            "POST",
            null,
            null,
            List.of(),
            0,
            1,
            StormMode.DROP,
            Duration.ZERO,
            1,
            2048,
            Duration.ofSeconds(1),
            7);
    WorkerPlan plan = new WorkerPlan(0, 0, 1, 0, 1, 1, List.of(), 1);
    fleet = new AgentFleet(options, plan, new FleetStats());
    return fleet.agent(0);
  }

  private static ServerToAgent remoteConfig(String body) {
    ByteString bytes = ByteString.copyFrom(body, StandardCharsets.UTF_8);
    return ServerToAgent.newBuilder()
        .setRemoteConfig(
            AgentRemoteConfig.newBuilder()
                .setConfigHash(ByteString.copyFrom(new byte[] {1, 2, (byte) body.length()}))
                .setConfig(
                    AgentConfigMap.newBuilder()
                        .putConfigMap(
                            "rollout.yaml", AgentConfigFile.newBuilder().setBody(bytes).build())))
        .build();
  }

  @Test
  void sendsAFullFirstReportThenOnlyWhatChangedWithConsecutiveSequenceNumbers() {
    SimulatedAgent agent = httpAgent(0);

    AgentToServer first = agent.nextMessage();
    AgentToServer second = agent.nextMessage();

    assertThat(first.getInstanceUid()).isEqualTo(agent.uid().toByteString());
    assertThat(first.getSequenceNum()).isEqualTo(1);
    assertThat(first.hasAgentDescription()).isTrue();
    assertThat(first.hasHealth()).isTrue();
    assertThat(first.hasEffectiveConfig()).isTrue();
    assertThat(first.hasRemoteConfigStatus()).isFalse(); // RC-08: nothing received yet
    assertThat(first.getEffectiveConfig().getSerializedSize()).isBetween(1_800, 2_400);
    assertThat(AgentCapability.BITMASK.toSet(first.getCapabilities()))
        .contains(
            AgentCapability.REPORTS_STATUS,
            AgentCapability.ACCEPTS_REMOTE_CONFIG,
            AgentCapability.REPORTS_HEARTBEAT);
    assertThat(first.getAgentDescription().getIdentifyingAttributesList())
        .extracting(kv -> kv.getKey())
        .contains("service.name", "service.version", "service.instance.id");
    assertThat(first.getAgentDescription().getNonIdentifyingAttributesList())
        .extracting(kv -> kv.getKey())
        .contains("host.name", "os.type");

    assertThat(second.getSequenceNum()).isEqualTo(2);
    assertThat(second.getCapabilities()).isEqualTo(first.getCapabilities());
    assertThat(second.hasAgentDescription() || second.hasHealth() || second.hasEffectiveConfig())
        .isFalse();
  }

  @Test
  void sendsEverythingAgainWhenTheServerAsksForTheFullState() {
    SimulatedAgent agent = httpAgent(0);
    agent.nextMessage();

    agent.onServerMessage(
        ServerToAgent.newBuilder()
            .setInstanceUid(agent.uid().toByteString())
            .setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit())
            .build(),
        10);
    AgentToServer next = agent.nextMessage();

    assertThat(next.getSequenceNum()).isEqualTo(2);
    assertThat(next.hasAgentDescription() && next.hasHealth() && next.hasEffectiveConfig())
        .isTrue();
    assertThat(fleet.stats().snapshot().count(Counter.FULL_STATE_REQUESTED)).isEqualTo(1);
  }

  @Test
  void appliesARemoteConfigAndReportsAppliedWithTheNewEffectiveConfigOnce() {
    SimulatedAgent agent = httpAgent(0);
    agent.nextMessage();
    ServerToAgent offer = remoteConfig("processors: {}\n# from the test\n");

    agent.onServerMessage(offer, 100);
    AgentToServer report = agent.nextMessage();
    agent.onServerMessage(offer, 100); // the same offer again changes nothing (ST-08)
    AgentToServer after = agent.nextMessage();

    assertThat(report.getRemoteConfigStatus().getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
    assertThat(report.getRemoteConfigStatus().getLastRemoteConfigHash())
        .isEqualTo(offer.getRemoteConfig().getConfigHash());
    assertThat(
            report
                .getEffectiveConfig()
                .getConfigMap()
                .getConfigMapMap()
                .get("collector.yaml")
                .getBody()
                .toStringUtf8())
        .contains("# from the test");
    assertThat(after.hasRemoteConfigStatus() || after.hasEffectiveConfig()).isFalse();
    StatsSnapshot stats = fleet.stats().snapshot();
    assertThat(stats.count(Counter.CONFIGS_RECEIVED)).isEqualTo(1);
    assertThat(stats.count(Counter.CONFIGS_APPLIED)).isEqualTo(1);
  }

  @Test
  void reportsFailedWithAReasonAndKeepsItsConfigWhenChosenToFail() {
    SimulatedAgent agent = httpAgent(1);
    AgentToServer first = agent.nextMessage();

    agent.onServerMessage(remoteConfig("bad: config\n"), 50);
    AgentToServer report = agent.nextMessage();

    assertThat(report.getRemoteConfigStatus().getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
    assertThat(report.getRemoteConfigStatus().getErrorMessage()).contains("simulated failure");
    assertThat(report.hasEffectiveConfig()).isFalse();
    assertThat(fleet.stats().snapshot().count(Counter.CONFIGS_FAILED)).isEqualTo(1);
    // A full report still carries the unchanged config and the FAILED status.
    agent.onServerMessage(
        ServerToAgent.newBuilder().setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit()).build(), 5);
    AgentToServer full = agent.nextMessage();
    assertThat(full.getEffectiveConfig()).isEqualTo(first.getEffectiveConfig());
    assertThat(full.getRemoteConfigStatus().getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
  }

  @Test
  void ignoresMessagesForAnotherInstance() {
    SimulatedAgent agent = httpAgent(0);
    agent.nextMessage();

    agent.onServerMessage(
        ServerToAgent.newBuilder()
            .setInstanceUid(ByteString.copyFrom(new byte[16]))
            .setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit())
            .build(),
        20);

    assertThat(agent.nextMessage().hasAgentDescription()).isFalse();
  }
}
