/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * A WebSocket connection to the server on the JDK's {@link WebSocket}: binary messages with the
 * OpAMP header (WS-01, WS-02), reassembled from their fragments (WS-06) within the size limit
 * (WS-L3), text messages ignored (WS-07), and a closing handshake on close (WS-11).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> thread-safe. The JDK calls the {@link WebSocket.Listener} methods one at
 * a time; the receive buffer is touched only there.
 */
final class WebSocketChannel implements Channel, WebSocket.Listener {

  private static final System.Logger LOG = System.getLogger(WebSocketChannel.class.getName());
  // WS-L3 asks for 1009 (and a malformed message suggests 1002), but the JDK's WebSocket refuses
  // to send either from a client; 1008 (policy violation) is the closest code it allows.
  private static final int MESSAGE_TOO_BIG = 1008;
  private static final int PROTOCOL_ERROR = 1008;

  private final JdkChannels settings;
  private final ConnectionTarget target;
  private final Channel.Listener listener;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final CompletableFuture<Void> closedByPeer = new CompletableFuture<>();
  private volatile WebSocket webSocket;

  // Touched only by the JDK's listener calls, which never overlap.
  private byte[] buffer = new byte[256];
  private int length;
  private boolean discarding;
  private boolean textLogged;

  WebSocketChannel(JdkChannels settings, ConnectionTarget target, Channel.Listener listener) {
    this.settings = settings;
    this.target = target;
    this.listener = listener;
  }

  @Override
  public CompletableFuture<Void> open() {
    CompletableFuture<Void> result = new CompletableFuture<>();
    Map<String, String> headers;
    try {
      headers = settings.headersFor(target);
    } catch (RuntimeException e) {
      result.completeExceptionally(
          ExchangeFailure.of(
              ExchangeFailure.Kind.UNREACHABLE,
              "the header supplier failed: " + e.getClass().getName(),
              e));
      return result;
    }
    WebSocket.Builder builder =
        target.httpClient().newWebSocketBuilder().connectTimeout(settings.connectTimeout());
    headers.forEach(builder::header);
    CompletableFuture<WebSocket> building;
    try {
      building = builder.buildAsync(target.endpoint(), this);
    } catch (RuntimeException e) {
      result.completeExceptionally(
          ExchangeFailure.of(
              ExchangeFailure.Kind.UNREACHABLE,
              "cannot open a WebSocket to " + target + ": " + e.getMessage(),
              e));
      return result;
    }
    ScheduledFuture<?> deadline =
        settings
            .scheduler()
            .schedule(
                () -> {
                  if (result.completeExceptionally(
                      ExchangeFailure.of(
                          ExchangeFailure.Kind.TIMEOUT,
                          "the WebSocket handshake with "
                              + target
                              + " took longer than "
                              + settings.connectTimeout(),
                          null))) {
                    building.cancel(true);
                  }
                },
                settings.connectTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    building.whenComplete(
        (ws, error) -> {
          deadline.cancel(false);
          if (error != null) {
            result.completeExceptionally(translate(error));
            return;
          }
          webSocket = ws;
          if (!result.complete(null) || ended.get()) {
            ws.abort();
          }
        });
    return result;
  }

  @Override
  public CompletableFuture<Optional<ServerToAgent>> send(AgentToServer message) {
    WebSocket ws = webSocket;
    if (ws == null || ws.isOutputClosed()) {
      return CompletableFuture.failedFuture(
          ExchangeFailure.of(ExchangeFailure.Kind.UNREACHABLE, "the WebSocket is closed", null));
    }
    try {
      return ws.sendBinary(ByteBuffer.wrap(WebSocketFraming.frame(message)), true)
          .handle(
              (sent, error) -> {
                if (error != null) {
                  throw new java.util.concurrent.CompletionException(
                      ExchangeFailure.of(
                          ExchangeFailure.Kind.UNREACHABLE,
                          "sending on the WebSocket to " + target + " failed: " + error,
                          ExchangeFailure.unwrap(error)));
                }
                return Optional.<ServerToAgent>empty();
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          ExchangeFailure.of(
              ExchangeFailure.Kind.UNREACHABLE, "sending on the WebSocket failed: " + e, e));
    }
  }

  @Override
  public CompletableFuture<Void> close() {
    ended.set(true);
    WebSocket ws = webSocket;
    if (ws == null || closedByPeer.isDone()) {
      if (ws != null) {
        ws.abort();
      }
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(error -> null);
    }
    ScheduledFuture<?> deadline =
        settings
            .scheduler()
            .schedule(
                () -> {
                  ws.abort();
                  done.complete(null);
                },
                settings.requestTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    closedByPeer.whenComplete(
        (ignored, error) -> {
          deadline.cancel(false);
          ws.abort();
          done.complete(null);
        });
    return done;
  }

  @Override
  public void abort() {
    ended.set(true);
    WebSocket ws = webSocket;
    if (ws != null) {
      ws.abort();
    }
    closedByPeer.complete(null);
  }

  @Override
  public void onOpen(WebSocket ws) {
    ws.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
    if (!discarding) {
      int max = settings.limits().maxMessageBytes();
      if ((long) length + data.remaining() > max) {
        discarding = true;
        fail(
            ws,
            MESSAGE_TOO_BIG,
            ExchangeFailure.of(
                ExchangeFailure.Kind.MALFORMED_REPLY,
                "a WebSocket message from "
                    + target
                    + " exceeds the limit of "
                    + max
                    + " bytes (WS-L3)",
                null));
      } else {
        append(data);
      }
    }
    if (last) {
      if (!discarding) {
        deliver(ws);
      }
      length = 0;
      discarding = false;
      if (buffer.length > 64 * 1024) {
        buffer = new byte[256];
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    // Only binary messages carry OpAMP (WS-07).
    if (!textLogged) {
      textLogged = true;
      LOG.log(System.Logger.Level.WARNING, "ignoring a text WebSocket message from {0}", target);
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closedByPeer.complete(null);
    if (ended.compareAndSet(false, true)) {
      listener.onClosed(
          ExchangeFailure.of(
              ExchangeFailure.Kind.CLOSED,
              "the server "
                  + target
                  + " closed the WebSocket with status "
                  + statusCode
                  + (reason.isEmpty() ? "" : " (" + reason + ")"),
              null));
    }
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closedByPeer.complete(null);
    if (ended.compareAndSet(false, true)) {
      listener.onClosed(
          ExchangeFailure.of(
              ExchangeFailure.Kind.UNREACHABLE,
              "the WebSocket to " + target + " failed: " + error,
              error));
    }
  }

  private void append(ByteBuffer data) {
    int n = data.remaining();
    if (length + n > buffer.length) {
      buffer =
          Arrays.copyOf(
              buffer,
              (int)
                  Math.min(
                      Math.max((long) buffer.length * 2, (long) length + n), Integer.MAX_VALUE));
    }
    data.get(buffer, length, n);
    length += n;
  }

  private void deliver(WebSocket ws) {
    ServerToAgent message;
    try {
      message =
          WebSocketFraming.parse(
              ServerToAgent.parser(), ByteBuffer.wrap(buffer, 0, length), settings.limits());
    } catch (MalformedMessageException e) {
      fail(
          ws,
          PROTOCOL_ERROR,
          ExchangeFailure.of(
              ExchangeFailure.Kind.MALFORMED_REPLY,
              "a malformed message from " + target + ": " + e.getMessage(),
              e));
      return;
    }
    if (!ended.get()) {
      listener.onMessage(message);
    }
  }

  private void fail(WebSocket ws, int closeCode, ExchangeFailure failure) {
    if (ended.compareAndSet(false, true)) {
      try {
        if (!ws.isOutputClosed()) {
          ws.sendClose(closeCode, "").exceptionally(error -> null);
        }
      } catch (RuntimeException e) {
        ws.abort();
      }
      listener.onClosed(failure);
    }
  }

  private Throwable translate(Throwable error) {
    Throwable cause = ExchangeFailure.unwrap(error);
    if (cause instanceof WebSocketHandshakeException handshake) {
      HttpResponse<?> response = handshake.getResponse();
      int status = response.statusCode();
      return ExchangeFailure.httpStatus(
          status,
          RetryAfter.parse(
              response.headers().firstValue("Retry-After").orElse(null),
              settings.clock().instant()),
          "the WebSocket handshake with " + target + " was answered with HTTP " + status);
    }
    if (cause instanceof HttpTimeoutException) {
      return ExchangeFailure.of(
          ExchangeFailure.Kind.TIMEOUT,
          "the WebSocket handshake with " + target + " timed out",
          cause);
    }
    if (cause instanceof ExchangeFailure) {
      return cause;
    }
    return ExchangeFailure.of(
        ExchangeFailure.Kind.UNREACHABLE, "cannot connect to " + target + ": " + cause, cause);
  }
}
