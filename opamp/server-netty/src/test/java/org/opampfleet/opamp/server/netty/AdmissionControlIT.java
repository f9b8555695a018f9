/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.TransportKind;

/** The transport's own admission limits: accept rate and connection count. */
class AdmissionControlIT {

  private static AgentToServer report() {
    return AgentToServer.newBuilder()
        .setInstanceUid(InstanceUid.generate().toByteString())
        .setSequenceNum(1)
        .setCapabilities(1)
        .build();
  }

  @Test
  void answersHttpOverTheAcceptRateWith503AndRetryAfter() throws Exception {
    // ER-06. A burst of one: the first new connection passes, the next is over the rate.
    try (ServerFixture fixture =
        new ServerFixture(b -> b, b -> b.acceptRate(0.001, 1).retryAfter(Duration.ofSeconds(45)))) {
      try (HttpTestAgent first = new HttpTestAgent(fixture.uri(TransportKind.HTTP));
          HttpTestAgent second = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
        assertThat(first.post(report()).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> refused = second.post(report());

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("45");
        // The admitted agent keeps polling on its keep-alive connection.
        assertThat(first.post(report()).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void answersWebSocketOverTheAcceptRateWithUnavailableAndRetryInfo() throws Exception {
    // ER-04, ER-05.
    try (ServerFixture fixture =
        new ServerFixture(b -> b, b -> b.acceptRate(0.001, 1).retryAfter(Duration.ofSeconds(45)))) {
      try (WebSocketTestAgent first = new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET));
          WebSocketTestAgent second =
              new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET))) {
        assertThat(first.exchange(report()).hasErrorResponse()).isFalse();

        ServerToAgent refused = second.exchange(report());

        assertThat(refused.getErrorResponse().getType())
            .isEqualTo(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
        assertThat(refused.getErrorResponse().getRetryInfo().getRetryAfterNanoseconds())
            .isEqualTo(Duration.ofSeconds(45).toNanos());
        assertThat(second.awaitClose().code()).isEqualTo(1013);
        assertThat(fixture.server.agentCount()).isOne();
      }
    }
  }

  @Test
  void answersConnectionsOverTheLimitWith503() throws Exception {
    try (ServerFixture fixture = new ServerFixture(b -> b, b -> b.maxConnections(1))) {
      try (WebSocketTestAgent holder =
              new WebSocketTestAgent(fixture.uri(TransportKind.WEBSOCKET));
          HttpTestAgent extra = new HttpTestAgent(fixture.uri(TransportKind.HTTP))) {
        holder.exchange(report());

        HttpResponse<byte[]> refused = extra.post(report());

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("connection limit");
        assertThat(refused.headers().firstValue("Retry-After")).contains("30");
      }
    }
  }
}
