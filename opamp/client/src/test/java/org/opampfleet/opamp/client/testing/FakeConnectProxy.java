/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP {@code CONNECT} proxy on 127.0.0.1 for tests: it opens a tunnel to the requested host and
 * port, relays bytes both ways and records every target it was asked for.
 */
public final class FakeConnectProxy implements AutoCloseable {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final Channel serverChannel;

  private FakeConnectProxy() throws InterruptedException {
    serverChannel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast("codec", new HttpServerCodec())
                        .addLast("aggregator", new HttpObjectAggregator(8192))
                        .addLast("connect", new ConnectHandler());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  /** Starts a proxy on an ephemeral port. */
  public static FakeConnectProxy start() throws InterruptedException {
    return new FakeConnectProxy();
  }

  /** Returns the proxy's address. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Returns every {@code host:port} a client asked to tunnel to. */
  public List<String> targets() {
    return List.copyOf(targets);
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class ConnectHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      Channel inbound = ctx.channel();
      if (!request.method().equals(HttpMethod.CONNECT)) {
        inbound
            .writeAndFlush(
                new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.METHOD_NOT_ALLOWED))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      String target = request.uri();
      targets.add(target);
      int colon = target.lastIndexOf(':');
      inbound.config().setAutoRead(false);
      new Bootstrap()
          .group(inbound.eventLoop())
          .channel(NioSocketChannel.class)
          .handler(new Relay(inbound))
          .connect(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))
          .addListener(
              connected -> {
                if (!connected.isSuccess()) {
                  inbound
                      .writeAndFlush(
                          new DefaultFullHttpResponse(
                              HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY))
                      .addListener(ChannelFutureListener.CLOSE);
                  return;
                }
                Channel outbound = ((io.netty.channel.ChannelFuture) connected).channel();
                inbound
                    .writeAndFlush(
                        new DefaultFullHttpResponse(
                            HttpVersion.HTTP_1_1,
                            new HttpResponseStatus(200, "Connection Established"),
                            Unpooled.EMPTY_BUFFER))
                    .addListener(
                        written -> {
                          inbound.pipeline().remove("codec");
                          inbound.pipeline().remove("aggregator");
                          inbound.pipeline().remove("connect");
                          inbound.pipeline().addLast(new Relay(outbound));
                          inbound.config().setAutoRead(true);
                        });
              });
    }
  }

  /** Copies everything read on one channel to another, and closes it when this one closes. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel other;

    Relay(Channel other) {
      this.other = other;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      other.writeAndFlush(message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      other.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
