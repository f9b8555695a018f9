/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.DriftStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;
import org.opampfleet.controlplane.testing.TestFleet;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.wire.AgentCapability;

class StatusRulesTest {
  private final TestFleet fleet = new TestFleet();

  private AgentStatus status(Agent agent) {
    return fleet.view.agent(agent.instanceUid()).orElseThrow().status();
  }

  @Test
  void callsAnAgentAppliedOnlyWhenItReportedTheDesiredHash() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    ConfigVersion v1 = fleet.save("checkout", "", 0, "a: 1\n");
    assertThat(status(agent).config()).isEqualTo(ConfigStatus.PENDING);

    fleet.delivery.offerFor(fleet.inventory.get(agent.instanceUid()).orElseThrow());
    assertThat(status(agent).config()).isEqualTo(ConfigStatus.APPLYING);
    assertThat(status(agent).drift()).isEqualTo(DriftStatus.CONVERGING);

    fleet.report(agent.instanceUid(), v1, RemoteConfigReport.Status.APPLIED, "");
    assertThat(status(agent).config()).isEqualTo(ConfigStatus.APPLIED);
    assertThat(status(agent).configReason()).isEqualTo("Applied v1");
    assertThat(status(agent).drift()).isEqualTo(DriftStatus.IN_SYNC);

    fleet.save("checkout", "", 0, "a: 2\n");
    assertThat(status(agent).config())
        .as("v1 applied is not v2 applied")
        .isEqualTo(ConfigStatus.PENDING);
  }

  @Test
  void showsTheAgentsErrorVerbatimWhenItFailed() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    ConfigVersion v1 = fleet.save("checkout", "", 0, "a: 1\n");
    fleet.report(
        agent.instanceUid(),
        v1,
        RemoteConfigReport.Status.FAILED,
        "unknown type \"otlphttp/2\" for exporters");

    AgentStatus status = status(agent);

    assertThat(status.config()).isEqualTo(ConfigStatus.FAILED);
    assertThat(status.configReason())
        .isEqualTo("Failed v1: unknown type \"otlphttp/2\" for exporters");
    assertThat(status.drift()).isEqualTo(DriftStatus.DRIFTED);
    assertThat(status.attentionRank()).isEqualTo(1);
  }

  @Test
  void turnsAnApplyThatTakesTooLongIntoStuck() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    fleet.save("checkout", "", 0, "a: 1\n");
    fleet.delivery.offerFor(fleet.inventory.get(agent.instanceUid()).orElseThrow());

    fleet.advance(Duration.ofMinutes(2).plusSeconds(1));
    fleet.inventory.updateExisting(
        agent.instanceUid(), a -> a.toBuilder().lastSeen(fleet.clock.instant()).build());

    assertThat(status(agent).config()).isEqualTo(ConfigStatus.STUCK);
    assertThat(status(agent).configReason()).startsWith("Stuck applying v1");
    assertThat(status(agent).attentionRank()).isEqualTo(3);
  }

  @Test
  void namesTheStatesWithoutAConfig() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    assertThat(status(agent).config()).isEqualTo(ConfigStatus.NO_CONFIG);

    fleet.inventory.updateExisting(
        agent.instanceUid(),
        a -> a.toBuilder().capabilities(AgentCapability.REPORTS_STATUS.bit()).build());
    assertThat(status(agent).config()).isEqualTo(ConfigStatus.NOT_SUPPORTED);
    assertThat(status(agent).health()).isEqualTo(HealthStatus.NOT_REPORTED);
  }

  @Test
  void goesStaleThenDisconnected() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    assertThat(status(agent).connection()).isEqualTo(ConnectionStatus.CONNECTED);

    fleet.advance(Duration.ofSeconds(66)); // 2 x 30 s + 5 s
    assertThat(status(agent).connection()).isEqualTo(ConnectionStatus.STALE);
    assertThat(status(agent).attentionRank()).isEqualTo(4);

    fleet.inventory.updateExisting(
        agent.instanceUid(),
        a ->
            a.toBuilder()
                .connection(
                    new AgentConnectionInfo(
                        false,
                        Transport.WEBSOCKET,
                        "x",
                        a.connection().connectedAt(),
                        fleet.clock.instant(),
                        "CONNECTION_LOST"))
                .build());
    assertThat(status(agent).connection()).isEqualTo(ConnectionStatus.DISCONNECTED);
    assertThat(status(agent).attentionRank()).isEqualTo(7);

    fleet.advance(Duration.ofHours(25));
    assertThat(status(agent).attentionRank()).isEqualTo(10);
  }

  @Test
  void keepsAPollingAgentStaleForAWhileAfterItsSessionExpires() {
    Agent agent =
        fleet.connect(
            org.opampfleet.opamp.protocol.wire.InstanceUid.generate(), Map.of(), Transport.HTTP);
    fleet.advance(Duration.ofSeconds(80));
    fleet.inventory.updateExisting(
        agent.instanceUid(),
        a ->
            a.toBuilder()
                .connection(
                    new AgentConnectionInfo(
                        false,
                        Transport.HTTP,
                        "x",
                        a.connection().connectedAt(),
                        fleet.clock.instant(),
                        "IDLE_TIMEOUT"))
                .build());

    assertThat(status(agent).connection()).isEqualTo(ConnectionStatus.STALE);
    fleet.advance(Duration.ofMinutes(5));
    assertThat(status(agent).connection()).isEqualTo(ConnectionStatus.DISCONNECTED);
  }

  @Test
  void rollsUpHealthWithTheFirstFailingComponentAsTheReason() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    ComponentHealth degraded =
        ComponentHealth.newBuilder()
            .setHealthy(true)
            .putComponentHealthMap(
                "pipeline:traces",
                ComponentHealth.newBuilder()
                    .setHealthy(true)
                    .putComponentHealthMap(
                        "exporter:otlp/backend",
                        ComponentHealth.newBuilder()
                            .setHealthy(false)
                            .setLastError("connection refused")
                            .build())
                    .build())
            .build();
    fleet.inventory.updateExisting(
        agent.instanceUid(), a -> a.toBuilder().health(degraded, fleet.clock.instant()).build());

    assertThat(status(agent).health()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(status(agent).healthReason())
        .isEqualTo("pipeline:traces / exporter:otlp/backend: connection refused");

    fleet.inventory.updateExisting(
        agent.instanceUid(),
        a ->
            a.toBuilder()
                .health(degraded.toBuilder().setHealthy(false).build(), fleet.clock.instant())
                .build());
    assertThat(status(agent).health()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(status(agent).attentionRank()).isEqualTo(2);
  }
}
