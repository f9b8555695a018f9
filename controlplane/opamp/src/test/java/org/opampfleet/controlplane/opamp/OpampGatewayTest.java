/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.delivery.DeliveryService;
import org.opampfleet.controlplane.testing.TestFleet;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ArrayValue;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentFlags;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.TransportSupport;

class OpampGatewayTest {
  private final TestFleet fleet = new TestFleet();
  private final OpampMessenger messenger = new OpampMessenger();
  private final DeliveryService delivery =
      new DeliveryService(fleet.inventory, fleet.configs, messenger);
  private final OpampGateway gateway =
      new OpampGateway(fleet.inventory, fleet.configs, delivery, messenger, AgentAdmission.open());
  private final InstanceUid uid = InstanceUid.generate();
  private final FakeAgentConnection connection =
      new FakeAgentConnection(uid, TransportKind.WEBSOCKET);

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue s(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  private AgentToServer firstReport() {
    return AgentToServer.newBuilder()
        .setInstanceUid(uid.toByteString())
        .setSequenceNum(1)
        .setCapabilities(TestFleet.COLLECTOR_CAPS)
        .setAgentDescription(
            AgentDescription.newBuilder()
                .addIdentifyingAttributes(kv("service.name", s("checkout")))
                .addIdentifyingAttributes(kv("service.version", s("0.141.0")))
                .addNonIdentifyingAttributes(kv("host.name", s("edge-7")))
                .addNonIdentifyingAttributes(
                    kv("host.cpu.count", AnyValue.newBuilder().setIntValue(8).build()))
                .addNonIdentifyingAttributes(
                    kv(
                        "zones",
                        AnyValue.newBuilder()
                            .setArrayValue(
                                ArrayValue.newBuilder().addValues(s("a")).addValues(s("b")))
                            .build())))
        .setHealth(ComponentHealth.newBuilder().setHealthy(true))
        .setEffectiveConfig(
            EffectiveConfig.newBuilder()
                .setConfigMap(
                    AgentConfigMap.newBuilder()
                        .putConfigMap(
                            "collector.yaml",
                            AgentConfigFile.newBuilder()
                                .setBody(ByteString.copyFromUtf8("receivers: {}\n"))
                                .build())))
        .build();
  }

  private Agent agent() {
    return fleet.inventory.get(uid).orElseThrow();
  }

  @Test
  void filesTheFirstReportIntoTheInventory() {
    gateway.onConnected(connection);
    ServerToAgent reply = gateway.onMessage(connection, firstReport());

    Agent agent = agent();
    assertThat(reply).as("nothing to offer yet").isNull();
    assertThat(agent.connection().connected()).isTrue();
    assertThat(agent.connection().remoteAddress()).isEqualTo("10.0.3.7:51234");
    assertThat(agent.identifyingAttributes())
        .containsEntry("service.name", "checkout")
        .containsEntry("service.version", "0.141.0");
    assertThat(agent.nonIdentifyingAttributes())
        .containsEntry("host.cpu.count", "8")
        .containsEntry("zones", "[a, b]");
    assertThat(agent.effectiveConfig()).containsEntry("collector.yaml", "receivers: {}\n");
    assertThat(agent.health().getHealthy()).isTrue();
    assertThat(agent.displayName()).isEqualTo("checkout on edge-7");
    assertThat(fleet.inventory.timeline(uid, null, 10))
        .extracting(AgentEvent::kind)
        .containsExactlyInAnyOrder(AgentEvent.Kind.HEALTH_CHANGED, AgentEvent.Kind.CONNECTED);
  }

  @Test
  void keepsWhatACompressedReportLeavesOut() {
    // ST-15: an omitted part means unchanged.
    gateway.onConnected(connection);
    gateway.onMessage(connection, firstReport());

    gateway.onMessage(
        connection,
        AgentToServer.newBuilder().setInstanceUid(uid.toByteString()).setSequenceNum(2).build());

    assertThat(agent().identifyingAttributes()).containsEntry("service.name", "checkout");
    assertThat(agent().capabilities()).isEqualTo(TestFleet.COLLECTOR_CAPS);
  }

  @Test
  void takesAHeartbeatAsLastSeenOnly() {
    gateway.onConnected(connection);
    gateway.onMessage(connection, firstReport());
    fleet.inventory.flush();
    java.util.List<org.opampfleet.controlplane.event.FleetEvent> seen = new java.util.ArrayList<>();
    fleet.events.subscribe(seen::add);
    fleet.advance(Duration.ofSeconds(30));

    gateway.onMessage(
        connection,
        AgentToServer.newBuilder()
            .setInstanceUid(uid.toByteString())
            .setSequenceNum(2)
            .setCapabilities(TestFleet.COLLECTOR_CAPS)
            .build());

    assertThat(agent().lastSeen()).isEqualTo(fleet.clock.instant());
    assertThat(seen).isEmpty();
    assertThat(fleet.inventory.pendingWrites()).isZero();
  }

  @Test
  void answersWithTheDesiredConfigurationByHashUntilTheAgentHasIt() {
    // RC-02, RC-03.
    ConfigVersion v1 =
        fleet.save("checkout", "service.name=checkout", 0, "exporters: {debug: {}}\n");
    gateway.onConnected(connection);

    ServerToAgent reply = gateway.onMessage(connection, firstReport());

    assertThat(reply.getRemoteConfig().getConfigHash())
        .isEqualTo(ByteString.copyFrom(HexFormat.of().parseHex(v1.hash())));
    assertThat(
            reply
                .getRemoteConfig()
                .getConfig()
                .getConfigMapMap()
                .get("collector.yaml")
                .getBody()
                .toStringUtf8())
        .isEqualTo("exporters: {debug: {}}\n");
    assertThat(
            reply
                .getRemoteConfig()
                .getConfig()
                .getConfigMapMap()
                .get("collector.yaml")
                .getContentType())
        .isEqualTo("text/yaml");

    ServerToAgent applied =
        gateway.onMessage(
            connection,
            AgentToServer.newBuilder()
                .setInstanceUid(uid.toByteString())
                .setSequenceNum(2)
                .setRemoteConfigStatus(
                    RemoteConfigStatus.newBuilder()
                        .setLastRemoteConfigHash(reply.getRemoteConfig().getConfigHash())
                        .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED))
                .build());

    assertThat(applied).isNull();
    assertThat(agent().remoteConfig().status()).isEqualTo(RemoteConfigReport.Status.APPLIED);
    assertThat(fleet.inventory.timeline(uid, null, 10))
        .extracting(AgentEvent::message)
        .contains("applied checkout v1");
  }

  @Test
  void recordsAFailedApplyWithTheAgentsError() {
    ConfigVersion v1 = fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    gateway.onConnected(connection);
    gateway.onMessage(connection, firstReport());

    gateway.onMessage(
        connection,
        AgentToServer.newBuilder()
            .setInstanceUid(uid.toByteString())
            .setSequenceNum(2)
            .setRemoteConfigStatus(
                RemoteConfigStatus.newBuilder()
                    .setLastRemoteConfigHash(
                        ByteString.copyFrom(HexFormat.of().parseHex(v1.hash())))
                    .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_FAILED)
                    .setErrorMessage("unknown receiver \"otlpp\""))
            .build());

    assertThat(agent().remoteConfig().errorMessage()).isEqualTo("unknown receiver \"otlpp\"");
    assertThat(fleet.inventory.timeline(uid, null, 10))
        .extracting(AgentEvent::message)
        .contains("failed to apply checkout v1: unknown receiver \"otlpp\"");
  }

  @Test
  void asksOnceForTheFullComponentListWhenOnlyItsHashIsKnown() {
    // AV-03, AV-04, AV-05.
    ByteString hash = ByteString.copyFromUtf8("components-v1");
    AvailableComponents full =
        AvailableComponents.newBuilder()
            .setHash(hash)
            .putComponents(
                "receivers",
                ComponentDetails.newBuilder()
                    .putSubComponentMap("otlp", ComponentDetails.getDefaultInstance())
                    .build())
            .build();
    gateway.onConnected(connection);

    ServerToAgent first =
        gateway.onMessage(
            connection,
            firstReport().toBuilder()
                .setAvailableComponents(AvailableComponents.newBuilder().setHash(hash))
                .build());
    ServerToAgent again = gateway.onMessage(connection, componentsReport(2, hashOnly(hash)));
    ServerToAgent afterFull = gateway.onMessage(connection, componentsReport(3, full));
    ServerToAgent sameHash = gateway.onMessage(connection, componentsReport(4, hashOnly(hash)));

    assertThat(first.getFlags())
        .isEqualTo(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents_VALUE);
    assertThat(again).as("asked once per hash on a connection").isNull();
    assertThat(afterFull).isNull();
    assertThat(sameHash).isNull();
    assertThat(agent().availableComponents()).as("the known map is kept").isEqualTo(full);

    ByteString newer = ByteString.copyFromUtf8("components-v2");
    ServerToAgent changed = gateway.onMessage(connection, componentsReport(5, hashOnly(newer)));
    assertThat(changed.getFlags())
        .isEqualTo(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents_VALUE);
    assertThat(agent().availableComponents().getHash()).isEqualTo(newer);
  }

  private static AvailableComponents hashOnly(ByteString hash) {
    return AvailableComponents.newBuilder().setHash(hash).build();
  }

  private AgentToServer componentsReport(long sequenceNum, AvailableComponents components) {
    return AgentToServer.newBuilder()
        .setInstanceUid(uid.toByteString())
        .setSequenceNum(sequenceNum)
        .setAvailableComponents(components)
        .build();
  }

  @Test
  void sendsConnectionSettingsOncePerConnection() {
    fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    fleet.configs.updateSettings(
        "checkout",
        new ConfigSettings(
            Duration.ofSeconds(15),
            new ConfigSettings.TelemetryDestination(
                "https://otlp.example.com:4318/v1/metrics", Map.of("api-key", "k")),
            null,
            null));
    gateway.onConnected(connection);

    ServerToAgent first = gateway.onMessage(connection, firstReport());
    ServerToAgent second = gateway.onMessage(connection, emptyReport(2));

    assertThat(first.getConnectionSettings().getOpamp().getHeartbeatIntervalSeconds())
        .isEqualTo(15);
    assertThat(first.getConnectionSettings().getOwnMetrics().getDestinationEndpoint())
        .isEqualTo("https://otlp.example.com:4318/v1/metrics");
    assertThat(first.getConnectionSettings().getHash().size()).isEqualTo(32);
    assertThat(second == null || !second.hasConnectionSettings()).isTrue();
  }

  @Test
  void pushesChangedConnectionSettingsToConnectedAgentsAtOnce() {
    fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    fleet.configs.updateSettings("checkout", heartbeat(15));
    bindMessengerTo(connection);
    fleet.events.subscribe(gateway::onFleetEvent);
    gateway.onConnected(connection);
    gateway.onMessage(connection, firstReport());
    int before = connection.sent.size();

    fleet.configs.updateSettings("checkout", heartbeat(20));

    assertThat(connection.sent).hasSize(before + 1);
    assertThat(connection.sent.get(before).getConnectionSettings().getOpamp())
        .extracting(o -> o.getHeartbeatIntervalSeconds())
        .isEqualTo(20L);
    ServerToAgent next = gateway.onMessage(connection, emptyReport(2));
    assertThat(next == null || !next.hasConnectionSettings())
        .as("not sent again in the next reply")
        .isTrue();

    fleet.configs.updateSettings("checkout", heartbeat(20));
    assertThat(connection.sent).as("unchanged settings are not sent again").hasSize(before + 1);

    gateway.onConnectionClosed(connection, CloseReason.CONNECTION_LOST);
    fleet.configs.updateSettings("checkout", heartbeat(25));
    assertThat(connection.sent).as("nothing for a disconnected agent").hasSize(before + 1);
  }

  /** A report with nothing but its sequence number (a heartbeat or an empty poll). */
  private AgentToServer emptyReport(long sequenceNum) {
    return AgentToServer.newBuilder()
        .setInstanceUid(uid.toByteString())
        .setSequenceNum(sequenceNum)
        .build();
  }

  private static ConfigSettings heartbeat(int seconds) {
    return new ConfigSettings(Duration.ofSeconds(seconds), null, null, null);
  }

  /** Binds the messenger to a server that knows this one connection. */
  private void bindMessengerTo(FakeAgentConnection only) {
    messenger.bind(
        new OpampServer() {
          @Override
          public Optional<AgentConnection> agent(InstanceUid instanceUid) {
            return instanceUid.equals(only.instanceUid()) ? Optional.of(only) : Optional.empty();
          }

          @Override
          public Collection<AgentConnection> agents() {
            return List.of(only);
          }

          @Override
          public int agentCount() {
            return 1;
          }

          @Override
          public TransportSupport transportSupport() {
            throw new UnsupportedOperationException();
          }

          @Override
          public void shutdown(Duration gracePeriod) {}

          @Override
          public void close() {}
        });
  }

  @Test
  void marksTheAgentDisconnectedWithTheReason() {
    gateway.onConnected(connection);
    gateway.onMessage(connection, firstReport());

    gateway.onConnectionClosed(connection, CloseReason.AGENT_DISCONNECTED);

    assertThat(agent().connection().connected()).isFalse();
    assertThat(agent().connection().closeReason()).isEqualTo("AGENT_DISCONNECTED");
    assertThat(fleet.inventory.timeline(uid, null, 1))
        .extracting(AgentEvent::message)
        .containsExactly("the agent disconnected");
  }

  @Test
  void admitsAgentsWithTheEnrollmentTokenOnly() {
    OpampGateway guarded =
        new OpampGateway(
            fleet.inventory,
            fleet.configs,
            delivery,
            messenger,
            AgentAdmission.enrollmentToken("s3cret"));

    assertThat(
            guarded.onConnecting(
                FakeAgentConnection.request(
                    TransportKind.HTTP, Map.of("Authorization", List.of("Bearer s3cret")))))
        .isInstanceOf(ConnectionDecision.Accept.class);
    assertThat(guarded.onConnecting(FakeAgentConnection.request(TransportKind.HTTP, Map.of())))
        .isInstanceOfSatisfying(
            ConnectionDecision.Reject.class,
            r -> {
              assertThat(r.status()).isEqualTo(401);
              assertThat(r.message()).startsWith("missing agent enrollment token");
            });
    assertThat(
            guarded.onConnecting(
                FakeAgentConnection.request(
                    TransportKind.WEBSOCKET, Map.of("Authorization", List.of("Bearer wrong")))))
        .isInstanceOfSatisfying(
            ConnectionDecision.Reject.class,
            r ->
                assertThat(r.message())
                    .isEqualTo("invalid agent enrollment token")
                    .doesNotContain("wrong"));
  }
}
