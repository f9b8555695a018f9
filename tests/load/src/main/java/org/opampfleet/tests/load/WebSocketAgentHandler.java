/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * The client end of one agent's WebSocket: performs the upgrade, decodes OpAMP messages for the
 * agent, answers pings, and tells the agent when the connection ends.
 *
 * <p><b>Thread safety:</b> confined to the channel's event loop, the agent's loop.
 */
final class WebSocketAgentHandler extends SimpleChannelInboundHandler<Object> {
  private final SimulatedAgent agent;
  private final WebSocketClientHandshaker handshaker;
  private final MessageLimits limits;
  private final long handshakeTimeoutMillis;
  private @Nullable ScheduledFuture<?> handshakeDeadline;

  WebSocketAgentHandler(
      SimulatedAgent agent,
      WebSocketClientHandshaker handshaker,
      MessageLimits limits,
      long handshakeTimeoutMillis) {
    this.agent = agent;
    this.handshaker = handshaker;
    this.limits = limits;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    handshaker.handshake(ctx.channel());
    handshakeDeadline =
        ctx.executor()
            .schedule(
                () -> {
                  if (!handshaker.isHandshakeComplete()) {
                    agent.onChannelError(
                        new io.netty.channel.ConnectTimeoutException(
                            "WebSocket upgrade timed out"));
                    ctx.close();
                  }
                },
                handshakeTimeoutMillis,
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
    if (!handshaker.isHandshakeComplete()) {
      if (msg instanceof FullHttpResponse response) {
        cancelDeadline();
        try {
          handshaker.finishHandshake(ctx.channel(), response);
          agent.onWebSocketOpen(ctx.channel());
        } catch (WebSocketHandshakeException e) {
          agent.onUpgradeRejected(
              response.status().code(), response.headers().get(HttpHeaderNames.RETRY_AFTER));
          ctx.close();
        }
      }
      return;
    }
    if (msg instanceof BinaryWebSocketFrame frame) {
      ByteBuf content = frame.content();
      int bytes = content.readableBytes();
      ServerToAgent message;
      try {
        message = WebSocketFraming.parse(ServerToAgent.parser(), content.nioBuffer(), limits);
      } catch (MalformedMessageException e) {
        agent.onChannelError(e);
        return;
      }
      agent.onServerMessage(message, bytes);
    } else if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
    } else if (msg instanceof CloseWebSocketFrame) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    agent.onChannelClosed(ctx.channel());
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    agent.onChannelError(cause);
    ctx.close();
  }

  private void cancelDeadline() {
    if (handshakeDeadline != null) {
      handshakeDeadline.cancel(false);
      handshakeDeadline = null;
    }
  }
}
