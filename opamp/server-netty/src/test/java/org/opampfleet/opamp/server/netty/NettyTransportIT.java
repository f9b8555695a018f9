/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentDisconnect;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.TransportKind;

/**
 * The transport's behaviour over real loopback sockets, run over both transports where the
 * behaviour applies to both.
 */
class NettyTransportIT {
  private static final long CAPS =
      AgentCapability.REPORTS_STATUS.bit() | AgentCapability.ACCEPTS_REMOTE_CONFIG.bit();

  private final InstanceUid uid = InstanceUid.generate();
  private ServerFixture fixture = new ServerFixture();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private AgentToServer.Builder report(long seq) {
    return AgentToServer.newBuilder()
        .setInstanceUid(uid.toByteString())
        .setSequenceNum(seq)
        .setCapabilities(CAPS);
  }

  private AgentToServer described(long seq) {
    return report(seq)
        .setAgentDescription(
            AgentDescription.newBuilder()
                .addIdentifyingAttributes(
                    KeyValue.newBuilder()
                        .setKey("service.name")
                        .setValue(
                            AnyValue.newBuilder().setStringValue("io.opentelemetry.collector"))))
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

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void servesBothTransportsOnOnePathAndDeliversTheDescription(TransportKind kind) throws Exception {
    // GEN-01, HT-02: one listener and path; the request decides the transport.
    try (TestAgent agent = fixture.agent(kind)) {
      ServerToAgent reply = agent.exchange(described(1));

      assertThat(reply.getInstanceUid()).isEqualTo(uid.toByteString());
      assertThat(ServerCapability.BITMASK.toSet(reply.getCapabilities()))
          .contains(ServerCapability.ACCEPTS_STATUS, ServerCapability.OFFERS_REMOTE_CONFIG);
      AgentToServer received = fixture.messages.poll(5, TimeUnit.SECONDS);
      assertThat(received.getAgentDescription()).isEqualTo(described(1).getAgentDescription());
      assertThat(fixture.requests.get(0).transport()).isEqualTo(kind);
    }
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void asksForTheFullStateAfterAServerRestart(TransportKind kind) throws Exception {
    // ST-16: the new server has no record of an agent that keeps compressing.
    try (TestAgent agent = fixture.agent(kind)) {
      agent.exchange(described(1));
      assertThat(
              ServerToAgentFlag.REPORT_FULL_STATE.isSetIn(
                  agent.exchange(report(2).build()).getFlags()))
          .isFalse();
    }
    fixture.close();
    fixture = new ServerFixture();
    try (TestAgent agent = fixture.agent(kind)) {
      ServerToAgent reply = agent.exchange(report(3).build());

      assertThat(ServerToAgentFlag.REPORT_FULL_STATE.isSetIn(reply.getFlags())).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void deliversWhatTheApplicationSendsByPushOrOnTheNextPoll(TransportKind kind) throws Exception {
    try (TestAgent agent = fixture.agent(kind)) {
      agent.exchange(described(1));
      fixture.server.agent(uid).orElseThrow().send(config("first"));
      fixture.server.agent(uid).orElseThrow().send(config("second"));

      ServerToAgent delivered = agent.nextFromServer(report(2).build(), Duration.ofSeconds(5));

      // Over WebSocket the first push may already be on its way; what arrives last is the latest.
      if (kind == TransportKind.WEBSOCKET
          && delivered.getRemoteConfig().getConfigHash().toStringUtf8().equals("first")) {
        delivered = agent.nextFromServer(report(2).build(), Duration.ofSeconds(5));
      }
      assertThat(delivered.getRemoteConfig().getConfigHash().toStringUtf8()).isEqualTo("second");
    }
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void endsTheConnectionOnAgentDisconnect(TransportKind kind) throws Exception {
    // DC-01..DC-04.
    try (TestAgent agent = fixture.agent(kind)) {
      agent.exchange(described(1));
      agent.exchange(report(2).setAgentDisconnect(AgentDisconnect.getDefaultInstance()).build());

      assertThat(fixture.closed.poll(5, TimeUnit.SECONDS))
          .isEqualTo(CloseReason.AGENT_DISCONNECTED);
      assertThat(fixture.server.agent(uid)).isEmpty();
    }
  }

  @Test
  void rejectsAnHttpRequestTheApplicationRefusesWithItsStatusAndHeaders() throws Exception {
    // ER-12: authentication failure is 401; ER-06: overload 503 + Retry-After.
    fixture.admission =
        request ->
            request.header("Authorization").isPresent()
                ? ConnectionDecision.accept(fixture.callbacks)
                : ConnectionDecision.reject(401, "missing bearer token")
                    .withHeader("WWW-Authenticate", "Bearer");
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response = agent.post(described(1));

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .contains("missing bearer token");
      assertThat(fixture.messages).isEmpty();
    }
  }

  @Test
  void refusesAWebSocketUpgradeTheApplicationRefuses() {
    fixture.admission = request -> ConnectionDecision.reject(403, "not this agent");

    assertThatThrownBy(() -> new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET)))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
  }

  @Test
  void passesTheRequestHeadersAndInstanceUidHeaderToAdmission() throws Exception {
    try (HttpTestAgent agent =
        new HttpTestAgent(
            fixture.uri(TransportKind.HTTP),
            java.util.Map.of("OpAMP-Instance-UID", uid.toString(), "X-Tenant", "t1"),
            null)) {
      agent.exchange(described(1));

      assertThat(fixture.requests.get(0).instanceUidHeader()).contains(uid);
      assertThat(fixture.requests.get(0).header("x-tenant")).contains("t1");
      assertThat(fixture.requests.get(0).remoteAddress().getAddress().isLoopbackAddress()).isTrue();
    }
  }

  @Test
  void acceptsGzipRequestsAndCompressesLargeRepliesForAgentsThatAcceptIt() throws Exception {
    // HT-03, HT-04, HT-05.
    fixture.replies = m -> config("x".repeat(8192));
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response =
          agent.post(
              HttpTestAgent.gzip(described(1).toByteArray()), "application/x-protobuf", "gzip");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).contains("application/x-protobuf");
      assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
      assertThat(response.body().length).isLessThan(1024);
      assertThat(
              ServerToAgent.parseFrom(HttpTestAgent.body(response))
                  .getRemoteConfig()
                  .getConfigHash()
                  .size())
          .isEqualTo(8192);
      assertThat(
              fixture
                  .messages
                  .poll(5, TimeUnit.SECONDS)
                  .getAgentDescription()
                  .getIdentifyingAttributesCount())
          .isOne();
    }
  }

  @Test
  void keepsOneKeepAliveConnectionAcrossPolls() throws Exception {
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      agent.exchange(described(1));
      for (int seq = 2; seq <= 20; seq++) {
        agent.exchange(report(seq).build());
      }

      assertThat(fixture.messages).hasSize(20);
      assertThat(fixture.requests)
          .extracting(r -> r.remoteAddress().getPort())
          .containsOnly(fixture.requests.get(0).remoteAddress().getPort());
    }
  }

  @Test
  void answersWebSocketPingsWithPongs() throws Exception {
    try (WebSocketTestAgent agent = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      agent.exchange(described(1));
      agent
          .socket
          .sendPing(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}))
          .get(5, TimeUnit.SECONDS);

      java.nio.ByteBuffer pong = agent.pongs.poll(5, TimeUnit.SECONDS);
      assertThat(pong).isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }
  }

  @Test
  void closesWebSocketAgentsWithGoingAwayOnShutdown() throws Exception {
    try (WebSocketTestAgent agent = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      agent.exchange(described(1));

      fixture.transport.stop(Duration.ofMillis(200));

      assertThat(agent.awaitClose().code()).isEqualTo(1001);
      assertThat(fixture.closed.poll(5, TimeUnit.SECONDS)).isEqualTo(CloseReason.SERVER_SHUTDOWN);
    }
  }

  @Test
  void closesTheOlderConnectionWhenAnAgentConnectsTwice() throws Exception {
    // WS-14, WS-15.
    try (WebSocketTestAgent first = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET));
        WebSocketTestAgent second = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      first.exchange(described(1));
      second.exchange(described(1));

      assertThat(first.awaitClose().code()).isEqualTo(1000);
      assertThat(fixture.server.agentCount()).isOne();
    }
  }

  @Test
  void closesAWebSocketAgentThatStaysSilentAfterTheUpgrade() throws Exception {
    fixture.close();
    fixture = new ServerFixture(b -> b, b -> b.handshakeTimeout(Duration.ofMillis(300)));
    try (WebSocketTestAgent agent = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      assertThat(agent.awaitClose().code()).isEqualTo(1008);
    }
  }

  @Test
  void logsTheBoundPortAndRefusesASecondStart() {
    assertThat(fixture.transport.localAddress().getPort()).isPositive();
    assertThatThrownBy(fixture.transport::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already started");
  }

  @Test
  void explainsWhyItCannotListen() {
    int taken = fixture.transport.localAddress().getPort();
    assertThatThrownBy(() -> new ServerFixture(b -> b, b -> b.port(taken)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot listen for OpAMP on 127.0.0.1:" + taken);
  }

  @Test
  void countsHttpRequestsTheApplicationRejects() throws Exception {
    fixture.admission =
        request -> ConnectionDecision.reject(503, "busy").withRetryAfter(Duration.ofSeconds(42));
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response = agent.post(described(1));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).contains("42");
    }
  }

  @Test
  void givesEveryRejectedUpgradeAClearAnswerEvenAfterStop() throws Exception {
    fixture.transport.stop(Duration.ZERO);

    assertThatThrownBy(() -> new HttpTestAgent(fixture.uri(TransportKind.HTTP)).post(described(1)))
        .isInstanceOf(java.net.ConnectException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> fixture.server.agentCount() == 0);
  }

  @Test
  void reportsErrorResponsesForBadInstanceUidsOverHttp() throws Exception {
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response =
          agent.post(
              described(1).toBuilder().setInstanceUid(ByteString.copyFromUtf8("short")).build());

      assertThat(response.statusCode()).isEqualTo(400);
      ServerToAgent error = ServerToAgent.parseFrom(response.body());
      assertThat(error.getErrorResponse().getType())
          .isEqualTo(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
      assertThat(error.getErrorResponse().getErrorMessage())
          .isEqualTo("instance_uid is 5 bytes long (expected: 16)");
    }
  }
}
