/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * The floor: a bare Netty WebSocket (and plain-HTTP) server with no OpAMP logic, measured the same
 * way as the bench server, so the difference is what our OpAMP layer costs. It answers every binary
 * message with one small constant binary message (an OpAMP-framed {@code ServerToAgent} carrying
 * only capabilities, so the simulated agents accept it), answers every POST with the same bytes,
 * and on {@code POST /rollout} writes one pre-encoded remote-config message to every WebSocket.
 *
 * <p>Same pipeline settings as our transport where they matter for memory: pooled buffers, no
 * permessage-deflate, no HTTP aggregator after the upgrade, and epoll when available.
 *
 * <p><b>Thread safety:</b> thread-safe. <b>Lifecycle:</b> {@link #start()} once, {@link #close()}
 * once.
 */
public final class FloorServer implements BenchTarget, AutoCloseable {
  private static final byte[] REPLY =
      WebSocketFraming.frame(ServerToAgent.newBuilder().setCapabilities(0x3).build());
  private static final byte[] HTTP_REPLY =
      ServerToAgent.newBuilder().setCapabilities(0x3).build().toByteArray();
  private static final String PATH = "/v1/opamp";

  private final ServeSettings settings;
  private final AtomicInteger webSockets = new AtomicInteger();
  private final LongAdder messages = new LongAdder();
  private final AtomicLong versions = new AtomicLong();
  private @Nullable EventLoopGroup boss;
  private @Nullable EventLoopGroup workers;
  private @Nullable Channel listener;
  private @Nullable ChannelGroup sockets;
  private @Nullable AdminEndpoint admin;

  /** Creates the floor; {@link #start()} binds it. */
  public FloorServer(ServeSettings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  /**
   * Binds the WebSocket listener and the admin endpoint.
   *
   * @throws IOException if the admin port cannot be bound
   */
  public synchronized void start() throws IOException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("floor-accept", true), io);
    workers =
        new MultiThreadIoEventLoopGroup(
            settings.ioThreads(), new DefaultThreadFactory("floor-loop", true), io);
    ChannelGroup group = new DefaultChannelGroup("floor", GlobalEventExecutor.INSTANCE);
    sockets = group;
    listener =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new HttpPhase(group));
                  }
                })
            .bind(settings.host(), settings.port())
            .syncUninterruptibly()
            .channel();
    AdminEndpoint endpoint =
        new AdminEndpoint(settings.host(), settings.adminPort(), this, settings.configBytes());
    endpoint.start();
    admin = endpoint;
  }

  /** Returns the WebSocket listener's address. */
  public synchronized InetSocketAddress opampAddress() {
    return (InetSocketAddress) requireNonNull(listener, "not started").localAddress();
  }

  /** Returns the admin endpoint's address. */
  public synchronized InetSocketAddress adminAddress() {
    return requireNonNull(admin, "not started").address();
  }

  @Override
  public void appendMetrics(StringBuilder out) {
    ProcessMetrics.gauge(
        out, "opamp_server_agents_connected", "{transport=\"websocket\"}", webSockets.get());
    ProcessMetrics.counter(out, "opampfleet_bench_messages_received_total", "", messages.sum());
  }

  @Override
  public String rollout(int configBytes) {
    long started = System.nanoTime();
    long version = versions.incrementAndGet();
    StringBuilder yaml = new StringBuilder("# floor rollout ").append(version).append('\n');
    while (yaml.length() < configBytes) {
      yaml.append("# padding line for the floor's rollout message\n");
    }
    ByteString body = ByteString.copyFrom(yaml.toString(), StandardCharsets.UTF_8);
    ByteString hash;
    try {
      hash = ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(body.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
    byte[] framed =
        WebSocketFraming.frame(
            ServerToAgent.newBuilder()
                .setRemoteConfig(
                    AgentRemoteConfig.newBuilder()
                        .setConfigHash(hash)
                        .setConfig(
                            AgentConfigMap.newBuilder()
                                .putConfigMap(
                                    "rollout.yaml",
                                    AgentConfigFile.newBuilder().setBody(body).build())))
                .build());
    ByteBuf shared = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(framed));
    int pushed = 0;
    ChannelGroup group = sockets;
    if (group != null) {
      for (Channel ch : group) {
        ch.writeAndFlush(new BinaryWebSocketFrame(shared.duplicate()), ch.voidPromise());
        pushed++;
      }
    }
    return String.format(
        Locale.ROOT,
        "{\"version\":%d,\"config_bytes\":%d,\"agents\":%d,\"push_ms\":%.3f}",
        version,
        body.size(),
        pushed,
        (System.nanoTime() - started) / 1e6);
  }

  @Override
  public String restart(Duration downtime) {
    throw new UnsupportedOperationException("the floor does not restart");
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close();
    }
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    if (sockets != null) {
      sockets.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** Plain HTTP and the upgrade; replaced by {@link WebSocketPhase} after it. */
  private final class HttpPhase extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ChannelGroup group;

    HttpPhase(ChannelGroup group) {
      this.group = group;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (request.headers().contains(HttpHeaderNames.UPGRADE)) {
        WebSocketServerHandshaker handshaker =
            new WebSocketServerHandshakerFactory(
                    "ws://" + request.headers().get(HttpHeaderNames.HOST) + PATH,
                    null,
                    false,
                    4 * 1024 * 1024)
                .newHandshaker(request);
        if (handshaker == null) {
          WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
          return;
        }
        ctx.pipeline().replace(this, "floor-ws", new WebSocketPhase(handshaker));
        handshaker
            .handshake(ctx.channel(), request)
            .addListener(
                f -> {
                  if (f.isSuccess()) {
                    webSockets.incrementAndGet();
                    group.add(ctx.channel());
                    ctx.channel().closeFuture().addListener(c -> webSockets.decrementAndGet());
                  }
                });
        return;
      }
      messages.increment();
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(HTTP_REPLY));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HTTP_REPLY.length);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response, ctx.voidPromise());
      } else {
        ctx.writeAndFlush(response).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      }
    }
  }

  /** After the upgrade: answers every binary message with the constant reply. */
  private final class WebSocketPhase extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final WebSocketServerHandshaker handshaker;

    WebSocketPhase(WebSocketServerHandshaker handshaker) {
      this.handshaker = handshaker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof BinaryWebSocketFrame) {
        messages.increment();
        ctx.writeAndFlush(
            new BinaryWebSocketFrame(Unpooled.wrappedBuffer(REPLY)), ctx.voidPromise());
      } else if (frame instanceof PingWebSocketFrame) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      } else if (frame instanceof CloseWebSocketFrame close) {
        handshaker.close(ctx.channel(), close.retain());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
