/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.RetryInfo;
import org.opampfleet.opamp.protocol.ServerErrorResponse;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.InboundHandler;
import org.opampfleet.opamp.server.spi.TransportConnection;
import org.opampfleet.opamp.server.spi.TransportSupport;

/**
 * An upgraded OpAMP WebSocket: decodes binary messages for the engine and carries its replies and
 * pushes.
 *
 * <p>Internal; not API; may change without notice. Frame handling is confined to the channel's
 * event loop; {@link #send} and {@link #close} may be called from any thread.
 */
final class OpampWebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame>
    implements TransportConnection {
  private static final System.Logger LOG = System.getLogger(OpampWebSocketHandler.class.getName());

  private final TransportSupport engine;
  private final ConnectionRequest request;
  private final ConnectionDecision.Accept decision;
  private final WebSocketServerHandshaker handshaker;
  private final TransportSettings settings;
  private final TransportMetrics metrics;
  // Set when the accept rate was exceeded: the first message is answered with UNAVAILABLE.
  private final @Nullable Duration rejectWithRetryAfter;

  private @Nullable ChannelHandlerContext ctx;
  private @Nullable InboundHandler inbound;
  private @Nullable ScheduledFuture<?> firstMessageDeadline;
  private boolean closing;

  /** The longest wait for the agent's Close after ours, before the socket is closed anyway. */
  static final Duration CLOSE_LINGER = Duration.ofSeconds(2);

  OpampWebSocketHandler(
      TransportSupport engine,
      ConnectionRequest request,
      ConnectionDecision.Accept decision,
      WebSocketServerHandshaker handshaker,
      TransportSettings settings,
      TransportMetrics metrics,
      @Nullable Duration rejectWithRetryAfter) {
    this.engine = engine;
    this.request = request;
    this.decision = decision;
    this.handshaker = handshaker;
    this.settings = settings;
    this.metrics = metrics;
    this.rejectWithRetryAfter = rejectWithRetryAfter;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Called once the 101 response is written. */
  void upgraded() {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    if (rejectWithRetryAfter == null) {
      inbound = engine.open(this, request, decision);
    }
    firstMessageDeadline =
        c.executor()
            .schedule(
                () ->
                    closeWith(
                        WebSocketCloseStatus.POLICY_VIOLATION,
                        "no OpAMP message after the upgrade"),
                settings.handshakeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof BinaryWebSocketFrame && !closing) {
      onBinary(frame.content());
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame close) {
      if (closing) {
        ctx.close(); // the agent answered our Close: the closing handshake is complete
        return;
      }
      closing = true;
      handshaker.close(ctx.channel(), close.retain());
    } else if (closing) {
      // After our Close, what the agent still sends is read and dropped (see closeWith).
    } else if (frame instanceof TextWebSocketFrame) {
      // WS-07: OpAMP travels in binary messages only.
      closeWith(
          WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "OpAMP uses binary WebSocket messages only");
    } else if (!(frame instanceof PongWebSocketFrame)) {
      closeWith(WebSocketCloseStatus.PROTOCOL_ERROR, "unexpected WebSocket frame");
    }
  }

  private void onBinary(ByteBuf content) {
    if (firstMessageDeadline != null) {
      firstMessageDeadline.cancel(false);
      firstMessageDeadline = null;
    }
    metrics.received(TransportMetrics.WEBSOCKET, content.readableBytes());
    if (rejectWithRetryAfter != null) {
      // ER-04: overloaded; tell the agent when to come back, then close.
      sendFrame(
          ServerToAgent.newBuilder()
              .setErrorResponse(
                  ServerErrorResponse.newBuilder()
                      .setType(ServerErrorResponseType.ServerErrorResponseType_Unavailable)
                      .setErrorMessage("the OpAMP server is busy admitting other agents")
                      .setRetryInfo(
                          RetryInfo.newBuilder()
                              .setRetryAfterNanoseconds(rejectWithRetryAfter.toNanos())))
              .build());
      closeWith(WebSocketCloseStatus.TRY_AGAIN_LATER, "server busy, retry later");
      return;
    }
    InboundHandler handler = inbound;
    if (handler == null) {
      return;
    }
    try {
      handler.onMessage(
          WebSocketFraming.parse(
              org.opampfleet.opamp.protocol.AgentToServer.parser(),
              content.nioBuffer(),
              settings.messageLimits()));
    } catch (MalformedMessageException e) {
      if (e.kind() == MalformedMessageException.Kind.TOO_LARGE) {
        closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over the size limit");
      }
      handler.onMalformed(e);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
      // The rest of a message we refused, or the peer going away: the linger ends it.
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "while closing WebSocket " + ctx.channel().remoteAddress() + ": " + cause);
      return;
    }
    InboundHandler handler = inbound;
    boolean tooBig =
        cause instanceof TooLongFrameException
            || (cause instanceof CorruptedWebSocketFrameException corrupted
                && corrupted.closeStatus() != null
                && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
    if (tooBig) {
      // WS-L1/WS-L2: over the limit after reassembly (and decompression, when enabled).
      closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over the size limit");
      if (handler != null) {
        handler.onMalformed(
            new MalformedMessageException(
                MalformedMessageException.Kind.TOO_LARGE,
                "WebSocket message exceeds the limit of "
                    + settings.messageLimits().maxMessageBytes()
                    + " bytes"));
      }
      return;
    }
    if (cause instanceof CorruptedWebSocketFrameException) {
      closeWith(WebSocketCloseStatus.PROTOCOL_ERROR, "malformed WebSocket frame");
      return;
    }
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "closing WebSocket " + ctx.channel().remoteAddress() + ": " + cause);
    ctx.close();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    InboundHandler handler = inbound;
    if (handler != null && ctx.channel().isWritable()) {
      handler.onWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (firstMessageDeadline != null) {
      firstMessageDeadline.cancel(false);
    }
    InboundHandler handler = inbound;
    inbound = null;
    if (handler != null) {
      handler.onClosed();
    }
    ctx.fireChannelInactive();
  }

  // ---- TransportConnection ----

  @Override
  public TransportKind kind() {
    return TransportKind.WEBSOCKET;
  }

  @Override
  public Executor executor() {
    return requireContext().channel().eventLoop();
  }

  @Override
  public void send(ServerToAgent message) {
    sendFrame(message);
  }

  @Override
  public void sendBadRequest(ServerToAgent errorMessage) {
    sendFrame(errorMessage);
  }

  @Override
  public boolean isWritable() {
    return requireContext().channel().isWritable();
  }

  @Override
  public void close(CloseReason reason) {
    switch (reason) {
      case IDLE_TIMEOUT ->
          closeWith(
              WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "no message within the idle timeout");
      case SERVER_SHUTDOWN ->
          closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server shutting down");
      case PROTOCOL_ERROR -> closeWith(WebSocketCloseStatus.PROTOCOL_ERROR, "protocol error");
      case REPLACED ->
          closeWith(WebSocketCloseStatus.NORMAL_CLOSURE, "replaced by a newer connection");
      default -> closeWith(WebSocketCloseStatus.NORMAL_CLOSURE, "closed by the server");
    }
  }

  private void sendFrame(ServerToAgent message) {
    ChannelHandlerContext c = requireContext();
    if (!c.channel().isActive()) {
      return;
    }
    int size = message.getSerializedSize();
    ByteBuf buffer = c.alloc().buffer(WebSocketFraming.HEADER_LENGTH + size);
    try {
      buffer.writeByte((int) WebSocketFraming.HEADER_VALUE);
      CodedOutputStream out =
          CodedOutputStream.newInstance(buffer.nioBuffer(buffer.writerIndex(), size));
      message.writeTo(out);
      out.checkNoSpaceLeft();
      buffer.writerIndex(buffer.writerIndex() + size);
    } catch (IOException e) {
      buffer.release();
      throw new UncheckedIOException(e);
    }
    metrics.sent(TransportMetrics.WEBSOCKET, size);
    c.channel().writeAndFlush(new BinaryWebSocketFrame(buffer), c.channel().voidPromise());
  }

  private void closeWith(WebSocketCloseStatus status, String reason) {
    ChannelHandlerContext c = requireContext();
    if (!c.executor().inEventLoop()) {
      c.executor().execute(() -> closeWith(status, reason));
      return;
    }
    if (closing) {
      return;
    }
    closing = true;
    // RFC 6455 7.1.1: after sending a Close, wait for the agent's. Closing the socket at once
    // while the agent is still sending (e.g. the rest of an oversized message) makes the kernel
    // answer with a reset, and the agent may lose our Close frame and its status code. So the
    // channel keeps reading (and dropping) until the agent answers or closes, at most CLOSE_LINGER.
    Channel channel = c.channel();
    channel
        .writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess()) {
                    channel.close();
                    return;
                  }
                  channel
                      .eventLoop()
                      .schedule(
                          (Runnable) channel::close,
                          CLOSE_LINGER.toMillis(),
                          TimeUnit.MILLISECONDS);
                });
  }

  private ChannelHandlerContext requireContext() {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      throw new IllegalStateException("the WebSocket handler is not in a pipeline");
    }
    return c;
  }
}
