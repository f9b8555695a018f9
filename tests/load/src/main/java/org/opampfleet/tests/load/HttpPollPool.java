/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;

/**
 * A pool of keep-alive HTTP connections that the plain-HTTP agents of one event loop share:
 * HTTP-polling agents are not tied to a socket, so many thousands of them poll over a few dozen
 * connections. One request per connection at a time (HT-09 is per agent; HTTP/1.1 has no
 * multiplexing); agents wait in a queue for a free connection.
 *
 * <p><b>Thread safety:</b> confined to its event loop.
 */
final class HttpPollPool {
  private static final long RECONNECT_DELAY_MILLIS = 500;

  private final EventLoop loop;
  private final Bootstrap template;
  private final URI target;
  private final InetSocketAddress remote;
  private final List<String> sourceAddresses;
  private final int maxConnections;
  private final FleetStats stats;
  private final MessageLimits limits;
  private final ArrayDeque<SimulatedAgent> waiting = new ArrayDeque<>();
  private final ArrayDeque<PollConnection> idle = new ArrayDeque<>();
  private int open;
  private int opening;
  private long socketsOpened;
  private boolean reconnectScheduled;
  private boolean closed;

  HttpPollPool(
      EventLoop loop,
      Bootstrap template,
      URI target,
      List<String> sourceAddresses,
      int maxConnections,
      FleetStats stats,
      MessageLimits limits) {
    this.loop = loop;
    this.template = template;
    this.target = target;
    this.remote = new InetSocketAddress(target.getHost(), target.getPort());
    this.sourceAddresses = sourceAddresses;
    this.maxConnections = maxConnections;
    this.stats = stats;
    this.limits = limits;
  }

  /** Queues an agent's request; it is sent on the next free connection. Runs on the loop. */
  void submit(SimulatedAgent agent) {
    waiting.add(agent);
    dispatch();
  }

  /** Closes every connection; queued requests are dropped. */
  void close() {
    closed = true;
    waiting.clear();
    for (PollConnection c : idle) {
      c.channel.close();
    }
    idle.clear();
  }

  private void dispatch() {
    while (!waiting.isEmpty() && !idle.isEmpty()) {
      PollConnection connection = idle.poll();
      if (!connection.channel.isActive()) {
        continue;
      }
      connection.send(waiting.poll());
    }
    // Grow the pool while agents wait.
    while (!closed && !waiting.isEmpty() && open + opening < maxConnections && opening < 16) {
      openConnection();
      if (reconnectScheduled) {
        break;
      }
    }
  }

  private void openConnection() {
    opening++;
    Bootstrap b = template.clone(loop);
    b.handler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(new HttpClientCodec())
                .addLast(new HttpContentDecompressor(0))
                .addLast(new HttpObjectAggregator(limits.maxMessageBytes()))
                .addLast(new PollConnection(ch));
          }
        });
    var future =
        sourceAddresses.isEmpty()
            ? b.connect(remote)
            : b.connect(
                remote,
                new InetSocketAddress(
                    SourceAddresses.forSocket(sourceAddresses, socketsOpened++), 0));
    future.addListener(
        f -> {
          opening--;
          if (f.isSuccess()) {
            open++;
            PollConnection connection = future.channel().pipeline().get(PollConnection.class);
            idle.add(connection);
            dispatch();
          } else {
            ErrorKind kind = ErrorKind.classify(f.cause());
            stats.error(kind);
            if (!reconnectScheduled && !closed) {
              reconnectScheduled = true;
              loop.schedule(
                  () -> {
                    reconnectScheduled = false;
                    dispatch();
                  },
                  RECONNECT_DELAY_MILLIS,
                  TimeUnit.MILLISECONDS);
            }
          }
        });
  }

  /** One keep-alive connection and the agent whose request is on it. */
  private final class PollConnection extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Channel channel;
    private @Nullable SimulatedAgent current;
    private long sentNanos;

    PollConnection(Channel channel) {
      this.channel = channel;
    }

    void send(SimulatedAgent agent) {
      current = agent;
      sentNanos = System.nanoTime();
      AgentToServer message = agent.beginHttpRequest(sentNanos);
      ByteBuf body = Unpooled.wrappedBuffer(message.toByteArray());
      FullHttpRequest request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.POST, target.getRawPath(), body);
      request
          .headers()
          .set(HttpHeaderNames.HOST, target.getHost() + ":" + target.getPort())
          .set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf")
          .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
          .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP)
          .set("OpAMP-Instance-UID", agent.uid().toString());
      HttpUtil.setKeepAlive(request, true);
      channel.writeAndFlush(request, channel.voidPromise());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      SimulatedAgent agent = current;
      current = null;
      boolean keepAlive = HttpUtil.isKeepAlive(response);
      if (agent != null) {
        int status = response.status().code();
        if (status == 200) {
          ByteBuf content = response.content();
          int bytes = content.readableBytes();
          try {
            ServerToAgent message = limits.parse(ServerToAgent.parser(), content.nioBuffer());
            agent.onHttpReply(message, bytes, sentNanos);
          } catch (MalformedMessageException e) {
            agent.onHttpFailure(e);
          }
        } else {
          agent.onHttpStatus(status, response.headers().get(HttpHeaderNames.RETRY_AFTER));
        }
      }
      if (keepAlive && ctx.channel().isActive() && !closed) {
        idle.add(this);
        dispatch();
      } else {
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open--;
      idle.remove(this);
      SimulatedAgent agent = current;
      current = null;
      if (agent != null) {
        agent.onHttpFailure(new ClosedChannelException());
      }
      if (!closed) {
        dispatch();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      SimulatedAgent agent = current;
      current = null;
      if (agent != null) {
        agent.onHttpFailure(cause);
      } else {
        stats.error(ErrorKind.classify(cause));
      }
      ctx.close();
    }
  }
}
