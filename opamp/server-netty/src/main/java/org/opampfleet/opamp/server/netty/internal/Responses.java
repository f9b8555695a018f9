/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Plain-text HTTP error responses. Internal; not API; may change without notice. */
final class Responses {
  private Responses() {}

  /**
   * Writes a short plain-text response for people, with extra headers, and closes the connection
   * after it: the request's body, if any, is not read.
   */
  static void sendAndClose(
      ChannelHandlerContext ctx, int status, String message, Map<String, String> headers) {
    ByteBuf body = Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    headers.forEach((name, value) -> response.headers().set(name, value));
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  static void sendAndClose(ChannelHandlerContext ctx, int status, String message) {
    sendAndClose(ctx, status, message, Map.of());
  }
}
