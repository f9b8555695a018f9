/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.client.BackoffPolicy;
import org.opampfleet.opamp.client.ConnectionState;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.OpampClientBuilder;
import org.opampfleet.opamp.client.TelemetrySignal;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentIdentification;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatuses;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.Headers;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.OtherConnectionSettings;
import org.opampfleet.opamp.protocol.PackagesAvailable;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The client's behaviour against an OpAMP server, over both transports, checked on the wire. An
 * implementation supplies the server through {@link #server()}; {@code FakeServerClientIT} runs it
 * against {@link FakeOpampServer}, and an adapter over the project's server library can run it
 * unchanged.
 *
 * <p>Every client a test builds with {@link #client} is stopped by {@link #stopClients()}, which
 * implementations call after each test.
 */
public interface OpampClientContract {

  /** The server under test, started before each test. */
  OpampServerFixture server();

  /** The clients built in the current test. */
  List<OpampClient> clients();

  Duration AWAIT = Duration.ofSeconds(10);

  AgentDescription DESCRIPTION =
      AgentDescription.newBuilder()
          .addIdentifyingAttributes(
              KeyValue.newBuilder()
                  .setKey("service.name")
                  .setValue(AnyValue.newBuilder().setStringValue("io.example.agent")))
          .build();

  ComponentHealth HEALTHY =
      ComponentHealth.newBuilder().setHealthy(true).setStartTimeUnixNano(1).build();

  /** Returns a builder with every capability and short timings, for the server's endpoint. */
  default OpampClientBuilder client(
      Transport transport, InstanceUid uid, RecordingCallbacks callbacks) {
    return OpampClient.builder()
        .serverUri(server().uri(transport))
        .instanceUid(uid)
        .agentDescription(DESCRIPTION)
        .capabilities(EnumSet.allOf(AgentCapability.class))
        .callbacks(callbacks)
        .effectiveConfigSupplier(() -> effectiveConfig("exporters: [otlp]"))
        .heartbeatInterval(Duration.ofSeconds(30))
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(2))
        .backoff(
            new BackoffPolicy(
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                Duration.ofMillis(100),
                Duration.ofMillis(200)));
  }

  /** Builds, remembers (for stopping) and starts a client. */
  default OpampClient started(OpampClientBuilder builder) {
    OpampClient client = builder.build();
    clients().add(client);
    client.start();
    return client;
  }

  /** Stops every client of the test. */
  default void stopClients() {
    for (OpampClient client : clients()) {
      client.stop();
    }
    clients().clear();
  }

  /** Waits until a received message satisfies the condition, and returns it. */
  default AgentToServer awaitMessage(Predicate<AgentToServer> condition) {
    List<AgentToServer> found = new ArrayList<>();
    await()
        .atMost(AWAIT)
        .until(
            () -> {
              for (AgentToServer message : server().received()) {
                if (condition.test(message)) {
                  found.add(message);
                  return true;
                }
              }
              return false;
            });
    return found.get(0);
  }

  // --- Status reporting -------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void compressesStatusOnTheWireAndNumbersEveryMessage(Transport transport) {
    // ST-01, ST-08, ST-11, ST-12, ST-13, GEN-03
    InstanceUid uid = InstanceUid.generate();
    OpampClient client = started(client(transport, uid, new RecordingCallbacks()));
    AgentToServer first = awaitMessage(message -> message.getSequenceNum() == 1);
    client.setHealth(HEALTHY);
    AgentToServer second = awaitMessage(AgentToServer::hasHealth);
    client.setHealth(HEALTHY);
    client.setRemoteConfigStatus(
        RemoteConfigStatus.newBuilder()
            .setLastRemoteConfigHash(ByteString.copyFromUtf8("c0"))
            .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED)
            .build());
    AgentToServer third = awaitMessage(AgentToServer::hasRemoteConfigStatus);

    assertThat(first.getInstanceUid()).isEqualTo(uid.toByteString());
    assertThat(first.getAgentDescription()).isEqualTo(DESCRIPTION);
    assertThat(first.getEffectiveConfig()).isEqualTo(effectiveConfig("exporters: [otlp]"));
    assertThat(first.getCapabilities() & AgentCapability.REPORTS_STATUS.bit()).isNotZero();
    assertThat(second.hasAgentDescription()).isFalse();
    assertThat(second.hasEffectiveConfig()).isFalse();
    assertThat(third.hasHealth()).isFalse();
    assertThat(third.hasAgentDescription()).isFalse();
    List<Long> numbers = server().received().stream().map(AgentToServer::getSequenceNum).toList();
    for (int i = 1; i < numbers.size(); i++) {
      assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void recoversTheFullStateAfterTheServerRestarts(Transport transport) throws Exception {
    // ST-16, ST-17, P-08, WS-13
    InstanceUid uid = InstanceUid.generate();
    OpampClient client =
        started(
            client(transport, uid, new RecordingCallbacks())
                .pollingInterval(Duration.ofMillis(300)));
    client.setHealth(HEALTHY);
    client.setCustomCapabilities(
        CustomCapabilities.newBuilder().addCapabilities("io.example.echo").build());
    awaitMessage(AgentToServer::hasCustomCapabilities);
    int before = server().received().size();

    server().restart();
    client.setRemoteConfigStatus(
        RemoteConfigStatus.newBuilder()
            .setLastRemoteConfigHash(ByteString.copyFromUtf8("c1"))
            .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED)
            .build());

    await()
        .atMost(AWAIT)
        .until(
            () ->
                server().received().stream()
                    .skip(before)
                    .anyMatch(
                        message ->
                            message.hasAgentDescription()
                                && message.hasHealth()
                                && message.hasEffectiveConfig()
                                && message.hasCustomCapabilities()
                                && message.hasRemoteConfigStatus()));
    assertThat(client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void sendsHeartbeatsOrPollsAtTheInterval(Transport transport) {
    // HB-01, HB-04, HB-05, HT-07, HB-09
    InstanceUid uid = InstanceUid.generate();
    started(
        client(transport, uid, new RecordingCallbacks())
            .heartbeatInterval(Duration.ofMillis(250))
            .pollingInterval(Duration.ofMillis(250)));

    await().atMost(AWAIT).until(() -> server().received().size() >= 4);
    List<AgentToServer> received = server().received();
    AgentToServer heartbeat = received.get(3);
    assertThat(heartbeat.getInstanceUid()).isEqualTo(uid.toByteString());
    assertThat(heartbeat.getCapabilities()).isNotZero();
    assertThat(heartbeat.hasAgentDescription()).isFalse();
    assertThat(heartbeat.hasEffectiveConfig()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void sendsAgentDisconnectInTheLastMessageOnStop(Transport transport) {
    // DC-01, DC-02, DC-03, WS-11
    InstanceUid uid = InstanceUid.generate();
    OpampClient client = started(client(transport, uid, new RecordingCallbacks()));
    awaitMessage(message -> message.getSequenceNum() == 1);
    client.setHealth(HEALTHY);
    client.stop();

    List<AgentToServer> received = server().received();
    AgentToServer last = received.get(received.size() - 1);
    assertThat(last.hasAgentDisconnect()).isTrue();
    assertThat(client.connectionState()).isEqualTo(ConnectionState.STOPPED);
    assertThat(received).filteredOn(AgentToServer::hasHealth).isNotEmpty();
  }

  // --- Server messages --------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void deliversEveryPartOfAServerMessageToItsCallback(Transport transport) {
    // ST-07, GEN-09, RC-07, OT-08, CU-05, PK-15
    InstanceUid uid = InstanceUid.generate();
    RecordingCallbacks callbacks = new RecordingCallbacks();
    OpampClient client =
        started(client(transport, uid, callbacks).pollingInterval(Duration.ofMillis(200)));
    client.setCustomCapabilities(
        CustomCapabilities.newBuilder().addCapabilities("io.example.echo").build());
    awaitMessage(AgentToServer::hasCustomCapabilities);

    server()
        .send(
            uid,
            ServerToAgent.newBuilder()
                .setRemoteConfig(
                    AgentRemoteConfig.newBuilder()
                        .setConfigHash(ByteString.copyFromUtf8("c1"))
                        .setConfig(effectiveConfig("remote").getConfigMap()))
                .setConnectionSettings(
                    ConnectionSettingsOffers.newBuilder()
                        .setHash(ByteString.copyFromUtf8("cs1"))
                        .setOwnMetrics(
                            TelemetryConnectionSettings.newBuilder()
                                .setDestinationEndpoint("https://otlp.example:4318/v1/metrics"))
                        .putOtherConnections(
                            "exporter/otlp",
                            OtherConnectionSettings.newBuilder()
                                .setDestinationEndpoint("otlp.example:4317")
                                .build()))
                .setPackagesAvailable(
                    PackagesAvailable.newBuilder()
                        .setAllPackagesHash(ByteString.copyFromUtf8("all")))
                .setCustomCapabilities(
                    CustomCapabilities.newBuilder().addCapabilities("io.server.feature"))
                .setCustomMessage(
                    CustomMessage.newBuilder()
                        .setCapability("io.example.echo")
                        .setType("ping")
                        .setData(ByteString.copyFromUtf8("hello")))
                .build());

    await()
        .atMost(AWAIT)
        .untilAsserted(
            () ->
                assertThat(callbacks.names())
                    .contains(
                        "onRemoteConfig",
                        "onOwnTelemetryConnectionSettings",
                        "onOtherConnectionSettings",
                        "onPackagesAvailable",
                        "onCustomCapabilities",
                        "onCustomMessage"));
    assertThat(callbacks.events("onOwnTelemetryConnectionSettings").get(0).argument())
        .isEqualTo(TelemetrySignal.METRICS);
    // The offer's outcome is reported with its hash (CS-05).
    awaitMessage(
        message ->
            message.getConnectionSettingsStatus().getStatus()
                    == ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED
                && message
                    .getConnectionSettingsStatus()
                    .getLastConnectionSettingsHash()
                    .toStringUtf8()
                    .equals("cs1"));
    // The application reports its remote config status; it travels to the server (RC-07).
    client.setRemoteConfigStatus(
        RemoteConfigStatus.newBuilder()
            .setLastRemoteConfigHash(ByteString.copyFromUtf8("c1"))
            .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED)
            .build());
    awaitMessage(
        message ->
            message.getRemoteConfigStatus().getLastRemoteConfigHash().toStringUtf8().equals("c1"));
    assertThat(callbacks.overlapped()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void deliversACommandAndACustomMessageReply(Transport transport) {
    // CM-03, CM-05, CU-04
    InstanceUid uid = InstanceUid.generate();
    RecordingCallbacks callbacks = new RecordingCallbacks();
    OpampClient client =
        started(client(transport, uid, callbacks).pollingInterval(Duration.ofMillis(200)));
    client.setCustomCapabilities(
        CustomCapabilities.newBuilder().addCapabilities("io.example.echo").build());
    awaitMessage(AgentToServer::hasCustomCapabilities);

    server()
        .send(
            uid,
            ServerToAgent.newBuilder()
                .setCommand(ServerToAgentCommand.getDefaultInstance())
                .build());
    await().atMost(AWAIT).until(() -> callbacks.names().contains("onCommand"));
    client
        .sendCustomMessage(
            CustomMessage.newBuilder()
                .setCapability("io.example.echo")
                .setType("pong")
                .setData(ByteString.copyFromUtf8("hi"))
                .build())
        .join();

    AgentToServer custom = awaitMessage(AgentToServer::hasCustomMessage);
    assertThat(custom.getCustomMessage().getType()).isEqualTo("pong");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void adoptsAnInstanceUidTheServerAssigns(Transport transport) {
    // UID-04, UID-07, HT-06
    InstanceUid temporary = InstanceUid.generate();
    InstanceUid assigned = InstanceUid.generate();
    RecordingCallbacks callbacks = new RecordingCallbacks();
    OpampClient client =
        started(
            client(transport, temporary, callbacks)
                .flags(EnumSet.of(AgentToServerFlag.REQUEST_INSTANCE_UID))
                .pollingInterval(Duration.ofMillis(200)));
    AgentToServer first = awaitMessage(message -> message.getSequenceNum() == 1);
    assertThat(first.getFlags()).isEqualTo(AgentToServerFlag.REQUEST_INSTANCE_UID.bit());

    server()
        .send(
            temporary,
            ServerToAgent.newBuilder()
                .setAgentIdentification(
                    AgentIdentification.newBuilder().setNewInstanceUid(assigned.toByteString()))
                .build());
    await().atMost(AWAIT).until(() -> callbacks.names().contains("onNewInstanceUid"));
    client.setHealth(HEALTHY);

    AgentToServer after = awaitMessage(AgentToServer::hasHealth);
    assertThat(after.getInstanceUid()).isEqualTo(assigned.toByteString());
    assertThat(after.getFlags()).isZero();
    assertThat(client.instanceUid()).isEqualTo(assigned);
    if (transport == Transport.HTTP) {
      int index = server().received().indexOf(after);
      assertThat(server().receivedHeaders().get(index))
          .containsEntry("opamp-instance-uid", assigned.toString());
    }
  }

  // --- Connection settings ----------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void switchesToOfferedSettingsAndUsesThem(Transport transport) {
    // OC-04, OC-05, OC-06, OC-08, CS-06, A-14
    InstanceUid uid = InstanceUid.generate();
    RecordingCallbacks callbacks = new RecordingCallbacks();
    started(client(transport, uid, callbacks).pollingInterval(Duration.ofMillis(200)));
    awaitMessage(message -> message.getSequenceNum() == 1);

    server().send(uid, opampOffer(server().uri(transport), "Bearer rotated", "cs-rotate"));

    AgentToServer applied =
        awaitMessage(
            message ->
                message.getConnectionSettingsStatus().getStatus()
                    == ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED);
    assertThat(applied.getConnectionSettingsStatus().getLastConnectionSettingsHash().toStringUtf8())
        .isEqualTo("cs-rotate");
    int index = server().received().indexOf(applied);
    assertThat(server().receivedHeaders().get(index))
        .containsEntry("authorization", "Bearer rotated");
    // The old connection said goodbye before the switch (OC-05, DC-03).
    assertThat(server().received().subList(0, index)).anyMatch(AgentToServer::hasAgentDisconnect);
    await()
        .atMost(AWAIT)
        .until(() -> callbacks.names().contains("onOpampConnectionSettingsApplied"));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  default void fallsBackToTheOldSettingsWhenTheOfferedOnesFail(Transport transport) {
    // OC-09, P-11
    InstanceUid uid = InstanceUid.generate();
    RecordingCallbacks callbacks = new RecordingCallbacks();
    OpampClient client =
        started(client(transport, uid, callbacks).pollingInterval(Duration.ofMillis(200)));
    awaitMessage(message -> message.getSequenceNum() == 1);
    URI unreachable =
        URI.create((transport == Transport.WEBSOCKET ? "ws" : "http") + "://127.0.0.1:1/v1/opamp");

    server().send(uid, opampOffer(unreachable, "Bearer x", "cs-bad"));

    AgentToServer failed =
        awaitMessage(
            message ->
                message.getConnectionSettingsStatus().getStatus()
                    == ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED);
    assertThat(failed.getConnectionSettingsStatus().getErrorMessage()).contains("127.0.0.1:1");
    assertThat(callbacks.names()).contains("onOpampConnectionSettingsFailed");
    // Still talking to the server with the old settings.
    client.setHealth(HEALTHY);
    AgentToServer later = awaitMessage(AgentToServer::hasHealth);
    int index = server().received().indexOf(later);
    assertThat(server().receivedHeaders().get(index)).doesNotContainKey("authorization");
  }

  // --- Helpers ----------------------------------------------------------------------------------

  /** Returns an effective config with one YAML file. */
  static EffectiveConfig effectiveConfig(String body) {
    return EffectiveConfig.newBuilder()
        .setConfigMap(
            AgentConfigMap.newBuilder()
                .putConfigMap(
                    "",
                    AgentConfigFile.newBuilder()
                        .setBody(ByteString.copyFromUtf8(body))
                        .setContentType("text/yaml")
                        .build()))
        .build();
  }

  /** Returns an OpAMP connection settings offer for an endpoint with an Authorization header. */
  static ServerToAgent opampOffer(URI endpoint, String authorization, String hash) {
    return ServerToAgent.newBuilder()
        .setConnectionSettings(
            ConnectionSettingsOffers.newBuilder()
                .setHash(ByteString.copyFromUtf8(hash))
                .setOpamp(
                    OpAMPConnectionSettings.newBuilder()
                        .setDestinationEndpoint(endpoint.toString())
                        .setHeartbeatIntervalSeconds(30)
                        .setHeaders(
                            Headers.newBuilder()
                                .addHeaders(
                                    Header.newBuilder()
                                        .setKey("Authorization")
                                        .setValue(authorization)))))
        .build();
  }
}
