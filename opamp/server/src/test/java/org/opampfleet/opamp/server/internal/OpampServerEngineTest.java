/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentDisconnect;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.InstanceUidGenerator;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.OpampServerBuilder;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.InboundHandler;

/**
 * The engine's session duties, driven through the transport contract with an in-memory transport:
 * deterministic, no sockets, no real time.
 */
class OpampServerEngineTest {

  private static final InstanceUid UID = InstanceUid.parse("0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f");
  private static final long FULL_CAPS =
      AgentCapability.BITMASK.toMask(
          EnumSet.of(
              AgentCapability.REPORTS_STATUS,
              AgentCapability.ACCEPTS_REMOTE_CONFIG,
              AgentCapability.REPORTS_EFFECTIVE_CONFIG,
              AgentCapability.REPORTS_HEALTH,
              AgentCapability.ACCEPTS_RESTART_COMMAND,
              AgentCapability.REPORTS_HEARTBEAT));

  private final ManualClock clock = new ManualClock();
  private final RecordingCallbacks callbacks = new RecordingCallbacks();
  private final InMemoryMetricReader metricReader = InMemoryMetricReader.create();
  private final List<ConnectionRequest> admitted = new ArrayList<>();
  private ConnectionDecision decision = ConnectionDecision.accept(callbacks);
  private DefaultOpampServer server;

  @BeforeEach
  void setUp() {
    server = build(OpampServer.builder());
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private DefaultOpampServer build(OpampServerBuilder builder) {
    return (DefaultOpampServer)
        builder
            .callbacks(
                request -> {
                  admitted.add(request);
                  return decision;
                })
            .capabilities(
                EnumSet.of(
                    ServerCapability.OFFERS_REMOTE_CONFIG,
                    ServerCapability.ACCEPTS_EFFECTIVE_CONFIG))
            .clock(clock)
            .instanceUidGenerator(InstanceUidGenerator.create(clock, new Random(7)))
            .openTelemetry(
                OpenTelemetrySdk.builder()
                    .setMeterProvider(
                        SdkMeterProvider.builder().registerMetricReader(metricReader).build())
                    .build())
            .build();
  }

  // ---- helpers ----

  private static ConnectionRequest request(TransportKind kind) {
    return new ConnectionRequest(
        kind,
        "/v1/opamp",
        Map.of("Authorization", List.of("Bearer t")),
        new InetSocketAddress("127.0.0.1", 40000),
        List.of());
  }

  /** Opens a connection through the transport contract, as a transport does after admission. */
  private InboundHandler open(FakeTransportConnection connection) {
    ConnectionDecision d = server.transportSupport().admit(request(connection.kind));
    assertThat(d).isInstanceOf(ConnectionDecision.Accept.class);
    InboundHandler handler =
        server
            .transportSupport()
            .open(connection, request(connection.kind), (ConnectionDecision.Accept) d);
    connection.handler = handler;
    return handler;
  }

  /** One HTTP poll: a new exchange per request, as the HTTP transport does. */
  private ServerToAgent poll(AgentToServer message) {
    FakeTransportConnection exchange = new FakeTransportConnection(TransportKind.HTTP);
    open(exchange).onMessage(message);
    assertThat(exchange.sent).as("exactly one reply per HTTP request").hasSize(1);
    return exchange.sent.get(0);
  }

  private static AgentToServer.Builder report(long seq) {
    return AgentToServer.newBuilder()
        .setInstanceUid(UID.toByteString())
        .setSequenceNum(seq)
        .setCapabilities(FULL_CAPS);
  }

  private static AgentToServer fullReport(long seq) {
    return report(seq)
        .setAgentDescription(
            AgentDescription.newBuilder()
                .addIdentifyingAttributes(
                    org.opampfleet.opamp.protocol.KeyValue.newBuilder()
                        .setKey("service.name")
                        .setValue(
                            org.opampfleet.opamp.protocol.AnyValue.newBuilder()
                                .setStringValue("otelcol"))))
        .setHealth(ComponentHealth.newBuilder().setHealthy(true))
        .setEffectiveConfig(EffectiveConfig.getDefaultInstance())
        .build();
  }

  private static ServerToAgent config(String body) {
    return ServerToAgent.newBuilder()
        .setRemoteConfig(
            AgentRemoteConfig.newBuilder()
                .setConfig(
                    AgentConfigMap.newBuilder()
                        .putConfigMap(
                            "",
                            AgentConfigFile.newBuilder()
                                .setBody(ByteString.copyFromUtf8(body))
                                .build()))
                .setConfigHash(ByteString.copyFromUtf8(body)))
        .build();
  }

  private static boolean asksFullState(ServerToAgent reply) {
    return ServerToAgentFlag.REPORT_FULL_STATE.isSetIn(reply.getFlags());
  }

  private long counter(String name, Attributes attributes) {
    return metricReader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(
            p -> p.getAttributes().asMap().entrySet().containsAll(attributes.asMap().entrySet()))
        .mapToLong(p -> p.getValue())
        .sum();
  }

  // ---- replies ----

  @Test
  void answersEveryWebSocketMessageAndPutsCapabilitiesInTheFirstReplyOnly() {
    // ST-04, GEN-05, P-07.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = open(ws);

    inbound.onMessage(fullReport(1));
    inbound.onMessage(report(2).build());
    inbound.onMessage(report(3).build());

    assertThat(ws.sent).hasSize(3);
    long expected =
        ServerCapability.BITMASK.toMask(
            EnumSet.of(
                ServerCapability.ACCEPTS_STATUS,
                ServerCapability.OFFERS_REMOTE_CONFIG,
                ServerCapability.ACCEPTS_EFFECTIVE_CONFIG));
    assertThat(ws.sent.get(0).getCapabilities()).isEqualTo(expected);
    assertThat(ws.sent.get(1).getCapabilities()).isZero();
    assertThat(ws.sent.get(2).getCapabilities()).isZero();
  }

  @Test
  void putsCapabilitiesInEveryHttpReply() {
    // HTTP has no connection, so every reply is a "first" reply.
    assertThat(poll(fullReport(1)).getCapabilities()).isNotZero();
    assertThat(poll(report(2).build()).getCapabilities()).isNotZero();
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void echoesTheInstanceUidOfTheMessageItAnswers(TransportKind kind) {
    // UID-08.
    ServerToAgent reply = exchange(kind, fullReport(1));

    assertThat(reply.getInstanceUid()).isEqualTo(UID.toByteString());
    assertThat(reply.hasErrorResponse()).isFalse();
  }

  private ServerToAgent exchange(TransportKind kind, AgentToServer message) {
    if (kind == TransportKind.HTTP) {
      return poll(message);
    }
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(ws).onMessage(message);
    return ws.lastSent();
  }

  // ---- sequence numbers and full state ----

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void asksForTheFullStateWhenASequenceNumberIsSkipped(TransportKind kind) {
    // ST-16.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = kind == TransportKind.WEBSOCKET ? open(ws) : null;
    java.util.function.Function<AgentToServer, ServerToAgent> send =
        m -> {
          if (inbound == null) {
            return poll(m);
          }
          inbound.onMessage(m);
          return ws.lastSent();
        };

    assertThat(asksFullState(send.apply(fullReport(5)))).isFalse();
    assertThat(asksFullState(send.apply(report(6).build()))).as("next in line").isFalse();
    assertThat(asksFullState(send.apply(report(9).build()))).as("7 and 8 missing").isTrue();
    assertThat(asksFullState(send.apply(fullReport(10)))).isFalse();
    assertThat(counter("opamp.server.full_state_requests", Attributes.empty())).isEqualTo(1);
  }

  @Test
  void answersARetryWithTheSameSequenceNumberWithoutCallingTheApplicationAgain() {
    // A-07, ER-10: a duplicate is answered, not treated as a gap, not processed twice.
    poll(fullReport(1));
    ServerToAgent first = poll(report(2).build());
    ServerToAgent retry = poll(report(2).build());

    assertThat(asksFullState(first)).isFalse();
    assertThat(asksFullState(retry)).isFalse();
    assertThat(callbacks.messages)
        .extracting(AgentToServer::getSequenceNum)
        .containsExactly(1L, 2L);
  }

  @Test
  void asksForTheFullStateWhenTheFirstReportHasNoDescription() {
    // ST-16, A-08: e.g. an agent compressing against what a server before a restart saw.
    assertThat(asksFullState(poll(report(57).build()))).isTrue();
  }

  @Test
  void asksForTheFullStateWhenTheFirstReportLeavesOutStateTheAgentReports() {
    AgentToServer withoutHealth = fullReport(1).toBuilder().clearHealth().build();

    assertThat(asksFullState(poll(withoutHealth))).isTrue();
  }

  @Test
  void asksForTheFullStateOfAnAgentThatKeepsCompressingAfterAServerRestart() {
    poll(fullReport(1));
    poll(report(2).build());
    server.close();
    server = build(OpampServer.builder()); // a new process: no memory of the agent

    ServerToAgent reply = poll(report(3).build());

    assertThat(asksFullState(reply)).isTrue();
  }

  @Test
  void acceptsAnAgentThatStartsAtZeroAndOmitsReportsStatus() {
    AgentToServer message = fullReport(0).toBuilder().setCapabilities(0).build();

    ServerToAgent reply = poll(message);

    assertThat(reply.hasErrorResponse()).isFalse();
    assertThat(asksFullState(reply)).isFalse();
    assertThat(callbacks.messages).hasSize(1);
  }

  @Test
  void keepsTheLastCapabilitiesWhenAPollLeavesThemAtZero() {
    // P-05, GEN-08.
    poll(fullReport(1));
    poll(report(2).setCapabilities(0).build());

    AgentConnection agent = server.agent(UID).orElseThrow();
    assertThat(agent.capabilitiesMask()).isEqualTo(FULL_CAPS);

    poll(report(3).setCapabilities(AgentCapability.REPORTS_STATUS.bit()).build());
    assertThat(agent.capabilities()).containsExactly(AgentCapability.REPORTS_STATUS);
  }

  // ---- outbox ----

  @Test
  void givesAnHttpAgentOnlyTheLatestConfigSentBetweenPolls() {
    // ST-18, ER-11: latest state wins; memory stays one message per agent.
    poll(fullReport(1));
    AgentConnection agent = server.agent(UID).orElseThrow();
    for (int i = 0; i < 1_000; i++) {
      agent.send(config("version " + i));
    }

    ServerToAgent reply = poll(report(2).build());

    assertThat(reply.getRemoteConfig().getConfigHash().toStringUtf8()).isEqualTo("version 999");
    assertThat(poll(report(3).build()).hasRemoteConfig()).as("sent once").isFalse();
    assertThat(counter("opamp.server.send_queue.replacements", Attributes.empty())).isEqualTo(999);
  }

  @Test
  void mergesDifferentPartsSentSeparately() {
    poll(fullReport(1));
    AgentConnection agent = server.agent(UID).orElseThrow();
    agent.send(config("a"));
    agent.send(
        ServerToAgent.newBuilder().setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit()).build());
    agent.send(
        ServerToAgent.newBuilder()
            .setCustomCapabilities(CustomCapabilities.newBuilder().addCapabilities("com.example.x"))
            .build());

    ServerToAgent reply = poll(report(2).build());

    assertThat(reply.getRemoteConfig().getConfigHash().toStringUtf8()).isEqualTo("a");
    assertThat(asksFullState(reply)).isTrue();
    assertThat(reply.getCustomCapabilities().getCapabilitiesList())
        .containsExactly("com.example.x");
  }

  @Test
  void pushesToAWebSocketAgentAtOnce() {
    // RC-05: the server may push at any time over WebSocket.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(ws).onMessage(fullReport(1));

    server.agent(UID).orElseThrow().send(config("pushed"));

    assertThat(ws.sent).hasSize(2);
    assertThat(ws.lastSent().getRemoteConfig().getConfigHash().toStringUtf8()).isEqualTo("pushed");
    assertThat(ws.lastSent().getInstanceUid()).isEqualTo(UID.toByteString());
  }

  @Test
  void holdsOnlyTheLatestMessageWhileAWebSocketCannotTakeMore() {
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(ws).onMessage(fullReport(1));
    ws.writable = false;
    AgentConnection agent = server.agent(UID).orElseThrow();

    agent.send(config("v1"));
    agent.send(config("v2"));
    agent.send(config("v3"));
    assertThat(ws.sent).as("nothing while not writable").hasSize(1);

    ws.writable = true;
    ws.handler.onWritable();

    assertThat(ws.sent).hasSize(2);
    assertThat(ws.lastSent().getRemoteConfig().getConfigHash().toStringUtf8()).isEqualTo("v3");
  }

  @Test
  void sendsACommandInAMessageOfItsOwnAfterTheOtherParts() {
    // CM-02.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = open(ws);
    inbound.onMessage(fullReport(1));
    callbacks.reply =
        (c, m) ->
            ServerToAgent.newBuilder()
                .mergeFrom(config("before restart"))
                .setCommand(ServerToAgentCommand.getDefaultInstance())
                .build();

    inbound.onMessage(report(2).build());

    ServerToAgent withConfig = ws.sent.get(1);
    ServerToAgent restart = ws.sent.get(2);
    assertThat(withConfig.hasRemoteConfig()).isTrue();
    assertThat(withConfig.hasCommand()).isFalse();
    assertThat(restart.hasCommand()).isTrue();
    assertThat(restart.hasRemoteConfig()).isFalse();
    assertThat(restart.getFlags()).isZero();
  }

  @Test
  void sendsACommandToAnHttpAgentInAPollReplyWithNothingElse() {
    poll(fullReport(1));
    AgentConnection agent = server.agent(UID).orElseThrow();
    agent.send(config("c"));
    agent.send(
        ServerToAgent.newBuilder().setCommand(ServerToAgentCommand.getDefaultInstance()).build());

    ServerToAgent first = poll(report(2).build());
    ServerToAgent second = poll(report(3).build());

    assertThat(first.hasRemoteConfig()).isTrue();
    assertThat(first.hasCommand()).isFalse();
    assertThat(second.hasCommand()).isTrue();
    assertThat(second.hasRemoteConfig()).isFalse();
  }

  @Test
  void leavesOutPartsTheAgentsCapabilitiesDoNotAccept() {
    // GEN-06, RC-01, CS-01, CM-01, CU-06; A-15 for the heartbeat interval.
    long caps = AgentCapability.REPORTS_STATUS.bit() | AgentCapability.REPORTS_HEARTBEAT.bit();
    poll(fullReport(1).toBuilder().setCapabilities(caps).build());
    AgentConnection agent = server.agent(UID).orElseThrow();
    agent.send(config("not for this agent"));
    agent.send(
        ServerToAgent.newBuilder().setCommand(ServerToAgentCommand.getDefaultInstance()).build());
    agent.send(
        ServerToAgent.newBuilder()
            .setConnectionSettings(
                ConnectionSettingsOffers.newBuilder()
                    .setOpamp(
                        OpAMPConnectionSettings.newBuilder()
                            .setDestinationEndpoint("wss://elsewhere")
                            .setHeartbeatIntervalSeconds(15))
                    .setOwnMetrics(
                        TelemetryConnectionSettings.newBuilder()
                            .setDestinationEndpoint("https://m/v1/metrics")))
            .setCustomMessage(CustomMessage.newBuilder().setCapability("com.example.unannounced"))
            .build());

    ServerToAgent reply = poll(report(2).setCapabilities(caps).build());
    ServerToAgent next = poll(report(3).setCapabilities(caps).build());

    assertThat(reply.hasRemoteConfig()).isFalse();
    assertThat(reply.hasCustomMessage()).isFalse();
    assertThat(reply.getConnectionSettings().hasOwnMetrics()).isFalse();
    assertThat(reply.getConnectionSettings().getOpamp())
        .isEqualTo(OpAMPConnectionSettings.newBuilder().setHeartbeatIntervalSeconds(15).build());
    assertThat(next.hasCommand()).isFalse();
    assertThat(counter("opamp.server.messages.dropped_parts", Attributes.empty()))
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void dropsAnOutgoingMessageOverTheSizeLimitButStillAnswers() {
    // WS-L4, HT-L4.
    server.close();
    server = build(OpampServer.builder().messageLimits(new MessageLimits(1024)));
    poll(fullReport(1));
    server.agent(UID).orElseThrow().send(config("x".repeat(2048)));

    ServerToAgent reply = poll(report(2).build());

    assertThat(reply.hasRemoteConfig()).isFalse();
    assertThat(reply.getInstanceUid()).isEqualTo(UID.toByteString());
    assertThat(counter("opamp.server.messages.dropped_parts", Attributes.empty())).isEqualTo(1);
  }

  // ---- identity ----

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void assignsANewInstanceUidWhenTheAgentAsksForOne(TransportKind kind) {
    // UID-04..UID-08, P-13.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = kind == TransportKind.WEBSOCKET ? open(ws) : null;
    AgentToServer asking =
        fullReport(1).toBuilder().setFlags(AgentToServerFlag.REQUEST_INSTANCE_UID.bit()).build();

    ServerToAgent reply;
    if (inbound != null) {
      inbound.onMessage(asking);
      reply = ws.lastSent();
    } else {
      reply = poll(asking);
    }

    InstanceUid assigned =
        InstanceUid.fromBytes(reply.getAgentIdentification().getNewInstanceUid());
    assertThat(assigned).isNotEqualTo(UID);
    assertThat(assigned.version()).isEqualTo(7);
    assertThat(reply.getInstanceUid())
        .as("the reply still carries the UID it answers")
        .isEqualTo(UID.toByteString());
    assertThat(callbacks.connected.get(0).instanceUid())
        .as("the app sees the new UID")
        .isEqualTo(assigned);

    AgentToServer withNewUid = report(2).setInstanceUid(assigned.toByteString()).build();
    if (inbound != null) {
      inbound.onMessage(withNewUid);
    } else {
      poll(withNewUid);
    }
    assertThat(callbacks.connected).as("same session").hasSize(1);
    assertThat(server.agent(assigned)).isPresent();
    assertThat(server.agent(UID)).as("old UID no longer routed").isEmpty();
  }

  @Test
  void leavesARequestedInstanceUidToTheApplicationWhenToldTo() {
    // UID-05 with the application choosing the UID: it answers through assignInstanceUid.
    server.close();
    server = build(OpampServer.builder().leaveInstanceUidRequestsToApplication());
    InstanceUid chosen = InstanceUid.generate();
    callbacks.reply =
        (connection, message) -> {
          connection.assignInstanceUid(chosen);
          return null;
        };
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = open(ws);

    inbound.onMessage(
        fullReport(1).toBuilder().setFlags(AgentToServerFlag.REQUEST_INSTANCE_UID.bit()).build());

    assertThat(ws.sent)
        .extracting(m -> m.getAgentIdentification().getNewInstanceUid())
        .contains(chosen.toByteString());
    assertThat(server.agent(chosen)).isPresent();
    inbound.onMessage(report(2).setInstanceUid(chosen.toByteString()).build());
    assertThat(ws.badRequests).isEmpty();
    assertThat(server.agent(UID)).isEmpty();
  }

  @Test
  void reportsALegacyUlidInstanceUidAsABadRequest() {
    // P-02: pre-v0.10 agents send a 26-character ULID.
    AgentToServer legacy =
        report(1)
            .setInstanceUid(
                ByteString.copyFrom("01ARZ3NDEKTSV4RRFFQ69G5FAV", StandardCharsets.US_ASCII))
            .build();
    FakeTransportConnection exchange = new FakeTransportConnection(TransportKind.HTTP);

    open(exchange).onMessage(legacy);

    assertThat(exchange.sent).isEmpty();
    assertThat(exchange.badRequests).hasSize(1);
    ServerToAgent error = exchange.badRequests.get(0);
    assertThat(error.getErrorResponse().getType())
        .isEqualTo(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
    assertThat(error.getErrorResponse().getErrorMessage()).contains("ULID", "before v0.10");
    assertThat(callbacks.messages).isEmpty();
  }

  @Test
  void answersMalformedInputWithABadRequestAndNothingElse() {
    // ER-01, ER-03.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = open(ws);
    inbound.onMessage(fullReport(1));

    inbound.onMalformed(
        new MalformedMessageException(
            MalformedMessageException.Kind.INVALID_PROTOBUF, "not protobuf"));

    ServerToAgent error = ws.badRequests.get(0);
    assertThat(error.getErrorResponse().getErrorMessage()).isEqualTo("not protobuf");
    assertThat(error.getInstanceUid()).isEqualTo(UID.toByteString());
    assertThat(error.hasRemoteConfig() || error.getCapabilities() != 0 || error.getFlags() != 0)
        .isFalse();
    assertThat(ws.closedWith).isNull();
  }

  @Test
  void closesAWebSocketThatSendsAnUnknownHeader() {
    // WS-03.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = open(ws);
    inbound.onMessage(fullReport(1));

    inbound.onMalformed(
        new MalformedMessageException(
            MalformedMessageException.Kind.UNSUPPORTED_HEADER, "header 3"));

    assertThat(ws.closedWith).isEqualTo(CloseReason.PROTOCOL_ERROR);
    assertThat(callbacks.closed).containsExactly(CloseReason.PROTOCOL_ERROR);
  }

  // ---- lifecycle ----

  @Test
  void endsAnHttpSessionWhenTheAgentSaysGoodbye() {
    // DC-03, DC-04.
    poll(fullReport(1));
    poll(report(2).setAgentDisconnect(AgentDisconnect.getDefaultInstance()).build());

    assertThat(callbacks.closed).containsExactly(CloseReason.AGENT_DISCONNECTED);
    assertThat(server.agent(UID)).isEmpty();

    poll(fullReport(0));
    assertThat(callbacks.connected).as("a new session").hasSize(2);
  }

  @Test
  void endsAWebSocketSessionOnAgentDisconnectAndOnceOnly() {
    // WS-11, DC-02.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = open(ws);
    inbound.onMessage(fullReport(1));

    inbound.onMessage(report(2).setAgentDisconnect(AgentDisconnect.getDefaultInstance()).build());
    inbound.onClosed();

    assertThat(ws.sent).as("the goodbye is answered too").hasSize(2);
    assertThat(callbacks.closed).containsExactly(CloseReason.AGENT_DISCONNECTED);
  }

  @Test
  void reportsALostConnection() {
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    InboundHandler inbound = open(ws);
    inbound.onMessage(fullReport(1));

    inbound.onClosed();

    assertThat(callbacks.closed).containsExactly(CloseReason.CONNECTION_LOST);
    assertThat(server.agentCount()).isZero();
    assertThat(ws.closedWith).as("nothing to close").isNull();
  }

  @Test
  void replacesAnAgentsOldWebSocketWhenItConnectsAgain() {
    // WS-14, WS-15.
    FakeTransportConnection first = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(first).onMessage(fullReport(1));
    FakeTransportConnection second = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(second).onMessage(fullReport(1));

    assertThat(first.closedWith).isEqualTo(CloseReason.REPLACED);
    assertThat(second.closedWith).isNull();
    assertThat(callbacks.closed).containsExactly(CloseReason.REPLACED);
    assertThat(server.agentCount()).isOne();
    server.agent(UID).orElseThrow().send(config("to the new one"));
    assertThat(second.lastSent().hasRemoteConfig()).isTrue();
  }

  @Test
  void closesAgentsThatStaySilentLongerThanTheIdleTimeout() {
    // HB-11, DC-05.
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(ws).onMessage(fullReport(1));
    InstanceUid httpAgent = InstanceUid.generate();
    poll(fullReport(1).toBuilder().setInstanceUid(httpAgent.toByteString()).build());

    clock.advance(OpampServerBuilder.DEFAULT_IDLE_TIMEOUT.minusSeconds(1));
    server.runIdleSweep();
    assertThat(server.agentCount()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(2));
    server.runIdleSweep();
    assertThat(server.agentCount()).isZero();
    assertThat(callbacks.closed)
        .containsExactly(CloseReason.IDLE_TIMEOUT, CloseReason.IDLE_TIMEOUT);
    assertThat(ws.closedWith).isEqualTo(CloseReason.IDLE_TIMEOUT);
  }

  @Test
  void closesEveryAgentAndRefusesNewConnectionsOnShutdown() {
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(ws).onMessage(fullReport(1));

    server.shutdown(Duration.ZERO);

    assertThat(ws.closedWith).isEqualTo(CloseReason.SERVER_SHUTDOWN);
    assertThat(callbacks.closed).containsExactly(CloseReason.SERVER_SHUTDOWN);
    ConnectionDecision late = server.transportSupport().admit(request(TransportKind.HTTP));
    assertThat(late)
        .isInstanceOfSatisfying(
            ConnectionDecision.Reject.class,
            reject -> {
              assertThat(reject.status()).isEqualTo(503);
              assertThat(reject.headers()).containsEntry("Retry-After", "30");
            });
  }

  @Test
  void letsTheApplicationCloseAConnection() {
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(ws).onMessage(fullReport(1));

    server.agent(UID).orElseThrow().close();

    assertThat(ws.closedWith).isEqualTo(CloseReason.CLOSED_BY_SERVER);
    assertThat(callbacks.closed).containsExactly(CloseReason.CLOSED_BY_SERVER);
  }

  // ---- admission and threading ----

  @Test
  void passesTheApplicationsRejectionThroughAndCountsIt() {
    decision = ConnectionDecision.reject(401, "missing token");

    ConnectionDecision result = server.transportSupport().admit(request(TransportKind.WEBSOCKET));

    assertThat(result).isEqualTo(ConnectionDecision.reject(401, "missing token"));
    assertThat(admitted.get(0).header("authorization")).contains("Bearer t");
    assertThat(counter("opamp.server.connections.rejected", Attributes.empty())).isEqualTo(1);
  }

  @Test
  void turnsAFailingAdmissionCallbackIntoA500() {
    server.close();
    server =
        (DefaultOpampServer)
            OpampServer.builder()
                .callbacks(
                    request -> {
                      throw new IllegalStateException("boom");
                    })
                .build();

    ConnectionDecision result = server.transportSupport().admit(request(TransportKind.HTTP));

    assertThat(result)
        .isInstanceOfSatisfying(
            ConnectionDecision.Reject.class, r -> assertThat(r.status()).isEqualTo(500));
  }

  @Test
  void runsCallbacksOnTheCallbackExecutorOneAtATime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "app-callbacks"));
    try {
      server.close();
      server = build(OpampServer.builder().callbackExecutor(pool));
      List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.atomic.AtomicInteger inside =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger overlaps =
          new java.util.concurrent.atomic.AtomicInteger();
      callbacks.reply =
          (c, m) -> {
            if (inside.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            order.add((int) m.getSequenceNum());
            inside.decrementAndGet();
            return null;
          };
      FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
      InboundHandler inbound = open(ws);
      for (int i = 1; i <= 500; i++) {
        inbound.onMessage(i == 1 ? fullReport(1) : report(i).build());
      }
      server.close();
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      assertThat(overlaps.get()).isZero();
      assertThat(order).hasSize(500).isSorted();
      assertThat(callbacks.threads)
          .allSatisfy(t -> assertThat(t.getName()).isEqualTo("app-callbacks"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void countsActiveAgentsByTransport() {
    poll(fullReport(1));
    FakeTransportConnection ws = new FakeTransportConnection(TransportKind.WEBSOCKET);
    open(ws)
        .onMessage(
            fullReport(1).toBuilder()
                .setInstanceUid(InstanceUid.generate().toByteString())
                .build());

    List<MetricData> metrics = new ArrayList<>(metricReader.collectAllMetrics());
    assertThat(metrics)
        .extracting(MetricData::getName)
        .contains("opamp.server.agents.active", "opamp.server.messages.received");
    assertThat(
            counter("opamp.server.agents.active", Attributes.of(ServerMetrics.TRANSPORT, "http")))
        .isEqualTo(1);
    assertThat(
            counter(
                "opamp.server.agents.active", Attributes.of(ServerMetrics.TRANSPORT, "websocket")))
        .isEqualTo(1);
  }
}
