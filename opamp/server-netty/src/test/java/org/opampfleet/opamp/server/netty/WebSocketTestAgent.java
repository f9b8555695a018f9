/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/** A WebSocket test agent on the JDK WebSocket client; records everything it receives. */
final class WebSocketTestAgent implements TestAgent {
  record Closed(int code, String reason) {}

  final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
  final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final HttpClient client;
  final WebSocket socket;

  WebSocketTestAgent(URI uri, Map<String, String> headers, SSLContext sslContext) throws Exception {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    client = builder.build();
    WebSocket.Builder ws = client.newWebSocketBuilder();
    headers.forEach(ws::header);
    socket =
        ws.buildAsync(
                uri,
                new WebSocket.Listener() {
                  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

                  @Override
                  public CompletionStage<?> onBinary(
                      WebSocket webSocket, ByteBuffer data, boolean last) {
                    byte[] chunk = new byte[data.remaining()];
                    data.get(chunk);
                    partial.writeBytes(chunk);
                    if (last) {
                      frames.add(partial.toByteArray());
                      partial.reset();
                    }
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
                    pongs.add(message);
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(
                      WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(new Closed(statusCode, reason));
                    return null;
                  }

                  @Override
                  public void onError(WebSocket webSocket, Throwable error) {
                    closed.completeExceptionally(error);
                  }
                })
            .get(10, TimeUnit.SECONDS);
  }

  WebSocketTestAgent(URI uri) throws Exception {
    this(uri, Map.of(), null);
  }

  void sendRaw(byte[] bytes) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
  }

  void send(AgentToServer message) throws Exception {
    sendRaw(WebSocketFraming.frame(message));
  }

  ServerToAgent receive(Duration timeout) throws Exception {
    byte[] frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (frame == null) {
      throw new AssertionError("no message from the server within " + timeout);
    }
    if (frame.length == 0 || frame[0] != 0) {
      throw new AssertionError("the server's message does not start with the 0x00 header");
    }
    return ServerToAgent.parseFrom(ByteBuffer.wrap(frame, 1, frame.length - 1));
  }

  @Override
  public ServerToAgent exchange(AgentToServer message) throws Exception {
    send(message);
    return receive(Duration.ofSeconds(10));
  }

  @Override
  public ServerToAgent nextFromServer(AgentToServer poll, Duration timeout) throws Exception {
    return receive(timeout);
  }

  Closed awaitClose() throws Exception {
    return closed.get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    socket.abort();
  }
}
