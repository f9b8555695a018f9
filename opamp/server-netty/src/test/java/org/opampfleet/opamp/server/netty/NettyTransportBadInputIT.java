/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.server.TransportKind;

/**
 * Hostile and broken input over real sockets: every case gets a clear answer or close, and the
 * server keeps serving with bounded memory.
 */
class NettyTransportBadInputIT {
  private static final int LIMIT = 64 * 1024;

  private final InstanceUid uid = InstanceUid.generate();
  private final ServerFixture fixture =
      new ServerFixture(
          b -> b.messageLimits(new MessageLimits(LIMIT)),
          // The accept rate is not under test here: 10,000 connections must not be refused.
          b ->
              b.messageLimits(new MessageLimits(LIMIT))
                  .handshakeTimeout(Duration.ofMillis(500))
                  .acceptRate(1_000_000, 1_000_000));

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private AgentToServer report() {
    return AgentToServer.newBuilder()
        .setInstanceUid(uid.toByteString())
        .setSequenceNum(1)
        .setCapabilities(1)
        .build();
  }

  private void assertStillServing() throws Exception {
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      assertThat(agent.exchange(report()).getInstanceUid()).isEqualTo(uid.toByteString());
    }
  }

  // ---- plain HTTP ----

  @Test
  void refusesAWrongContentTypeWith415() throws Exception {
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response = agent.post(report().toByteArray(), "application/json", null);

      assertThat(response.statusCode()).isEqualTo(415);
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .contains("application/x-protobuf");
    }
  }

  @Test
  void acceptsTheMediaTypeWithParametersAndAnyCase() throws Exception {
    //
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      assertThat(
              agent
                  .post(report().toByteArray(), "Application/X-Protobuf; charset=binary", null)
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void refusesOtherMethodsAndPaths() throws Exception {
    assertThat(rawRequest("PUT /v1/opamp HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 405")
        .contains("Allow: GET, POST");
    assertThat(rawRequest("GET /v1/opamp HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 405");
    assertThat(rawRequest("POST /v1/other HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 404");
    assertThat(rawRequest("this is not HTTP\r\n\r\n")).startsWith("HTTP/1.1 400");
  }

  @Test
  void answersAMalformedBodyWith400AndAServerErrorResponse() throws Exception {
    // ER-01.
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response =
          agent.post(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}, "application/x-protobuf", null);

      assertThat(response.statusCode()).isEqualTo(400);
      ServerToAgent error = ServerToAgent.parseFrom(response.body());
      assertThat(error.getErrorResponse().getType())
          .isEqualTo(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
      assertThat(error.getErrorResponse().getErrorMessage())
          .startsWith("the 3-byte message is not a valid OpAMP protobuf message");
    }
    assertStillServing();
  }

  @Test
  void answersAnOversizedBodyWith413() throws Exception {
    // HT-L1, HT-L2.
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response =
          agent.post(new byte[LIMIT + 1], "application/x-protobuf", null);

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .contains("exceeds the limit of " + LIMIT + " bytes");
    }
    assertStillServing();
  }

  @Test
  void answersAGzipBombWith413WithoutInflatingIt() throws Exception {
    // HT-L1: the limit applies after decompression. 64 MiB of zeros compress to about 64 KiB.
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        gzip.write(zeros);
      }
    }
    byte[] compressed = bomb.toByteArray();
    assertThat(compressed.length).isLessThan(LIMIT);
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response = agent.post(compressed, "application/x-protobuf", "gzip");

      assertThat(response.statusCode()).isEqualTo(413);
    }
    assertStillServing();
  }

  @Test
  void answersABodyThatIsNotGzipWith400() throws Exception {
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      HttpResponse<byte[]> response =
          agent.post(report().toByteArray(), "application/x-protobuf", "gzip");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(ServerToAgent.parseFrom(response.body()).getErrorResponse().getErrorMessage())
          .contains("gzip");
    }
  }

  @Test
  void refusesAnUnknownContentEncoding() throws Exception {
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      assertThat(agent.post(report().toByteArray(), "application/x-protobuf", "br").statusCode())
          .isEqualTo(415);
    }
  }

  @Test
  void answersRandomAndTruncatedBodiesWithoutFailing() throws Exception {
    Random random = new Random(42);
    byte[] valid = report().toByteArray();
    try (HttpTestAgent agent = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
      for (int i = 0; i < 200; i++) {
        byte[] body;
        if (i % 2 == 0) {
          body = new byte[random.nextInt(200)];
          random.nextBytes(body);
        } else {
          body = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
        }
        int status = agent.post(body, "application/x-protobuf", null).statusCode();
        assertThat(status).as("request %d", i).isIn(200, 400);
      }
    }
    assertStillServing();
  }

  @Test
  void closesASlowClientThatNeverFinishesItsRequest() throws Exception {
    // Slow-loris: headers that never end are cut off after the handshake timeout.
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write("POST /v1/opamp HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout(5_000);
      long start = System.nanoTime();

      int read = socket.getInputStream().read();

      assertThat(read).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void survivesTenThousandConnectionsOpenedAndDropped() throws Exception {
    Runtime runtime = Runtime.getRuntime();
    for (int batch = 0; batch < 20; batch++) {
      List<Socket> sockets = new ArrayList<>(500);
      for (int i = 0; i < 500; i++) {
        sockets.add(connect());
      }
      for (Socket socket : sockets) {
        socket.setSoLinger(true, 0); // reset, as a crashing client would
        socket.close();
      }
    }
    assertStillServing();
    System.gc();
    long used = runtime.totalMemory() - runtime.freeMemory();
    assertThat(used).as("heap after 10,000 dropped connections").isLessThan(256L * 1024 * 1024);
  }

  // ---- WebSocket ----

  @Test
  void closesAWebSocketThatSendsAnUnknownHeaderWith1002() throws Exception {
    // WS-03.
    try (WebSocketTestAgent agent = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      byte[] framed = org.opampfleet.opamp.protocol.wire.WebSocketFraming.frame(report());
      framed[0] = 0x03;
      agent.sendRaw(framed);

      assertThat(agent.awaitClose().code()).isEqualTo(1002);
    }
  }

  @Test
  void closesAWebSocketThatSendsTextWith1003() throws Exception {
    // WS-07.
    try (WebSocketTestAgent agent = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      agent.socket.sendText("hello", true).get(5, TimeUnit.SECONDS);

      assertThat(agent.awaitClose().code()).isEqualTo(1003);
    }
  }

  @Test
  void closesAWebSocketThatSendsAnOversizedMessageWith1009() throws Exception {
    // WS-L1, WS-L2.
    try (WebSocketTestAgent agent = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      try {
        agent.sendRaw(new byte[LIMIT + 100]);
      } catch (java.util.concurrent.ExecutionException e) {
        // The server may close before the client has written the whole message.
      }

      assertThat(agent.awaitClose().code()).isEqualTo(1009);
    }
    assertStillServing();
  }

  @Test
  void acceptsALegacyHeaderlessWebSocketMessage() throws Exception {
    // WS-08: agents older than spec v0.7 send the protobuf without the header.
    try (WebSocketTestAgent agent = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
      agent.sendRaw(report().toByteArray());

      assertThat(agent.receive(Duration.ofSeconds(5)).getInstanceUid())
          .isEqualTo(uid.toByteString());
    }
  }

  @Test
  void answersRandomWebSocketMessagesWithErrorsOrCloses() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      try (WebSocketTestAgent agent =
          new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
        byte[] garbage = new byte[1 + random.nextInt(300)];
        random.nextBytes(garbage);
        agent.sendRaw(garbage);
        // Either an answer (an error, or a reply if the bytes happened to parse) or a close.
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> !agent.frames.isEmpty() || agent.closed.isDone());
      }
    }
    assertStillServing();
  }

  private Socket connect() throws Exception {
    Socket socket = new Socket();
    socket.connect(
        new InetSocketAddress("127.0.0.1", fixture.transport.localAddress().getPort()), 5_000);
    return socket;
  }

  private String rawRequest(String request) throws Exception {
    try (Socket socket = connect()) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
