/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.server.spi.TransportSupport;

/**
 * Sets up each accepted connection: TLS when configured, the HTTP codec, and the OpAMP HTTP handler
 * that serves plain HTTP and upgrades to WebSocket.
 *
 * <p>Internal; not API; may change without notice. Thread-safe.
 */
public final class OpampChannelInitializer extends ChannelInitializer<Channel> {
  // Request lines and headers of OpAMP agents are short; these bound what a slow or hostile
  // client can make the server buffer before the request is even read.
  private static final int MAX_INITIAL_LINE_BYTES = 4096;
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private final TransportSupport engine;
  private final TransportSettings settings;
  private final AdmissionControl admission;
  private final TransportMetrics metrics;
  private final Supplier<@Nullable SslContext> sslContext;
  private final ChannelGroup channels;

  /** Creates the initializer. */
  public OpampChannelInitializer(
      TransportSupport engine,
      TransportSettings settings,
      AdmissionControl admission,
      TransportMetrics metrics,
      Supplier<@Nullable SslContext> sslContext,
      ChannelGroup channels) {
    this.engine = engine;
    this.settings = settings;
    this.admission = admission;
    this.metrics = metrics;
    this.sslContext = sslContext;
    this.channels = channels;
  }

  @Override
  protected void initChannel(Channel channel) {
    channels.add(channel);
    ChannelPipeline pipeline = channel.pipeline();
    SslContext ssl = sslContext.get();
    if (ssl != null) {
      pipeline.addLast("tls", ssl.newHandler(channel.alloc()));
    }
    pipeline.addLast(
        "http", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 64 * 1024));
    pipeline.addLast("expect-continue", new HttpServerExpectContinueHandler());
    if (settings.webSocketCompression()) {
      pipeline.addLast("ws-compression", new WebSocketServerCompressionHandler(0));
    }
    pipeline.addLast("opamp", new OpampHttpHandler(engine, settings, admission, metrics));
  }
}
