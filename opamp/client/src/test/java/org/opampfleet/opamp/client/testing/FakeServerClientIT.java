/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.client.Compression;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Runs {@link OpampClientContract} against {@link FakeOpampServer} over real sockets, and adds the
 * checks only the fake server can make: WebSocket close codes, request headers, gzip.
 */
class FakeServerClientIT implements OpampClientContract {

  private FakeOpampServer server;
  private final List<OpampClient> clients = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = FakeOpampServer.start();
  }

  @AfterEach
  void stopEverything() {
    stopClients();
    server.close();
  }

  @Override
  public FakeOpampServer server() {
    return server;
  }

  @Override
  public List<OpampClient> clients() {
    return clients;
  }

  @Test
  void closesTheWebSocketWithANormalCloseFrameAfterTheGoodbye() {
    // WS-11, DC-02
    OpampClient client =
        started(client(Transport.WEBSOCKET, InstanceUid.generate(), new RecordingCallbacks()));
    awaitMessage(message -> message.getSequenceNum() == 1);
    client.stop();

    await().atMost(AWAIT).until(() -> !server.closeCodes().isEmpty());
    assertThat(server.closeCodes()).containsExactly(1000);
    List<AgentToServer> received = server.received();
    assertThat(received.get(received.size() - 1).hasAgentDisconnect()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void sendsStaticAndRefreshedHeadersWithEveryRequest(Transport transport) {
    // HT-01, HT-06, CS-06: tokens from the supplier are read again for every request/handshake.
    AtomicInteger token = new AtomicInteger();
    InstanceUid uid = InstanceUid.generate();
    started(
        client(transport, uid, new RecordingCallbacks())
            .header("X-Tenant", "blue")
            .headerSupplier(() -> Map.of("Authorization", "Bearer t" + token.incrementAndGet()))
            .heartbeatInterval(Duration.ofMillis(150))
            .pollingInterval(Duration.ofMillis(150)));

    await().atMost(AWAIT).until(() -> server.received().size() >= 3);
    Map<String, String> headers = server.receivedHeaders().get(0);
    assertThat(headers).containsEntry("x-tenant", "blue");
    assertThat(headers.get("authorization")).startsWith("Bearer t");
    assertThat(headers).containsEntry("opamp-instance-uid", uid.toString());
    if (transport == Transport.HTTP) {
      assertThat(headers).containsEntry("content-type", "application/x-protobuf");
      assertThat(headers.get("accept-encoding")).contains("gzip");
      // A new token for every request.
      assertThat(server.receivedHeaders().get(2).get("authorization"))
          .isNotEqualTo(headers.get("authorization"));
    }
  }

  @Test
  void gzipsRequestsAndReadsGzippedResponses() {
    // HT-03, HT-05, HT-L3
    server.gzipResponses();
    RecordingCallbacks callbacks = new RecordingCallbacks();
    started(
        client(Transport.HTTP, InstanceUid.generate(), callbacks)
            .requestCompression(Compression.GZIP)
            .pollingInterval(Duration.ofMillis(150)));

    await().atMost(AWAIT).until(() -> server.received().size() >= 3);
    assertThat(server.receivedHeaders().get(0)).containsEntry("content-encoding", "gzip");
    assertThat(server.received().get(0).hasAgentDescription()).isTrue();
    assertThat(callbacks.names()).contains("onConnected").doesNotContain("onConnectFailed");
  }
}
