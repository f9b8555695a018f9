/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.TransportConnection;

/**
 * One plain-HTTP OpAMP request, answered exactly once.
 *
 * <p>Internal; not API; may change without notice. Thread-safe: {@link #send} may come from the
 * session's executor; Netty hops to the channel's event loop.
 */
final class HttpRequestExchange implements TransportConnection {
  // Below this size gzip costs more than it saves.
  private static final int GZIP_THRESHOLD_BYTES = 1024;

  private final ChannelHandlerContext ctx;
  private final OpampHttpHandler owner;
  private final boolean keepAlive;
  private final boolean acceptsGzip;
  private final TransportMetrics metrics;
  private final AtomicBoolean answered = new AtomicBoolean();

  HttpRequestExchange(
      ChannelHandlerContext ctx,
      OpampHttpHandler owner,
      boolean keepAlive,
      boolean acceptsGzip,
      TransportMetrics metrics) {
    this.ctx = ctx;
    this.owner = owner;
    this.keepAlive = keepAlive;
    this.acceptsGzip = acceptsGzip;
    this.metrics = metrics;
  }

  @Override
  public TransportKind kind() {
    return TransportKind.HTTP;
  }

  @Override
  public Executor executor() {
    return ctx.channel().eventLoop();
  }

  @Override
  public void send(ServerToAgent message) {
    respond(HttpResponseStatus.OK, message);
  }

  @Override
  public void sendBadRequest(ServerToAgent errorMessage) {
    respond(HttpResponseStatus.BAD_REQUEST, errorMessage);
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void close(CloseReason reason) {
    if (answered.compareAndSet(false, true)) {
      Responses.sendAndClose(ctx, 503, "the OpAMP server closed the request (" + reason + ")");
    }
  }

  boolean isAnswered() {
    return answered.get();
  }

  void answerTooLarge(String message) {
    if (answered.compareAndSet(false, true)) {
      // HT-L2: the agent must not retry the same request.
      Responses.sendAndClose(ctx, 413, message);
    }
  }

  private void respond(HttpResponseStatus status, ServerToAgent message) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    int size = message.getSerializedSize();
    boolean gzip = acceptsGzip && size >= GZIP_THRESHOLD_BYTES;
    ByteBuf body = ctx.alloc().buffer(gzip ? size / 2 + 64 : size);
    try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
      if (gzip) {
        // HT-05: compress for agents that accept it.
        try (GZIPOutputStream compressed = new GZIPOutputStream(out, 8192)) {
          message.writeTo(compressed);
        }
      } else {
        message.writeTo(out);
      }
    } catch (IOException e) {
      body.release();
      throw new UncheckedIOException(e);
    }
    metrics.sent(TransportMetrics.HTTP, size);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, OpampHttpHandler.PROTOBUF);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (gzip) {
      response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
    }
    HttpUtil.setKeepAlive(response, keepAlive);
    var write = ctx.writeAndFlush(response);
    if (keepAlive) {
      write.addListener(future -> owner.responseWritten(ctx));
    } else {
      write.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
