/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.InboundHandler;
import org.opampfleet.opamp.server.spi.TransportSupport;

/**
 * The HTTP phase of every connection: plain-HTTP OpAMP requests, and the WebSocket upgrade, after
 * which {@link OpampWebSocketHandler} takes over.
 *
 * <p>One request at a time (HT-09): reading pauses from the end of a request until its response is
 * written. A request must arrive whole within the handshake timeout (slow-client protection); an
 * idle keep-alive connection is closed after the keep-alive timeout.
 *
 * <p>Internal; not API; may change without notice. Confined to the channel's event loop.
 */
public final class OpampHttpHandler extends ChannelInboundHandlerAdapter {
  static final String PROTOBUF = "application/x-protobuf";
  private static final System.Logger LOG = System.getLogger(OpampHttpHandler.class.getName());

  private final TransportSupport engine;
  private final TransportSettings settings;
  private final AdmissionControl admission;
  private final TransportMetrics metrics;

  private boolean withinConnectionLimit = true;
  private boolean withinRate = true;
  private boolean firstRequest = true;
  private boolean upgraded;
  private @Nullable ScheduledFuture<?> deadline;

  // The POST being read.
  private @Nullable CompositeByteBuf body;
  private @Nullable ConnectionRequest request;
  private ConnectionDecision.@Nullable Accept accepted;
  private boolean gzipBody;
  private boolean keepAlive;
  private boolean acceptsGzip;
  private boolean discarding;

  /** Creates the handler for one connection. */
  public OpampHttpHandler(
      TransportSupport engine,
      TransportSettings settings,
      AdmissionControl admission,
      TransportMetrics metrics) {
    this.engine = engine;
    this.settings = settings;
    this.admission = admission;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    withinConnectionLimit = admission.connectionOpened();
    withinRate = admission.tryAdmit();
    metrics.httpConnectionOpened();
    armDeadline(
        ctx, settings.handshakeTimeout(), "no complete request within the handshake timeout");
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    admission.connectionClosed();
    if (upgraded) {
      metrics.webSocketClosed();
    } else {
      metrics.httpConnectionClosed();
    }
    cancelDeadline();
    releaseBody();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upgraded) {
      if (msg instanceof io.netty.handler.codec.http.HttpObject) {
        ReferenceCountUtil.release(msg); // the rest of the upgrade request
      } else {
        ctx.fireChannelRead(msg); // WebSocket frames, for the handlers after this one
      }
      return;
    }
    try {
      if (msg instanceof HttpRequest httpRequest) {
        onRequest(ctx, httpRequest);
      }
      if (msg instanceof HttpContent content && !discarding) {
        onContent(ctx, content);
      }
      if (msg instanceof LastHttpContent) {
        discarding = false;
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (upgraded) {
      // The WebSocket frame decoder sits before this handler: its errors (an oversized or
      // malformed frame) belong to OpampWebSocketHandler, which answers with the right Close.
      ctx.fireExceptionCaught(cause);
      return;
    }
    LOG.log(
        System.Logger.Level.DEBUG, () -> "closing " + ctx.channel().remoteAddress() + ": " + cause);
    ctx.close();
  }

  /** Called by the exchange once its response is on the wire: read the next request. */
  void responseWritten(ChannelHandlerContext ctx) {
    armDeadline(ctx, settings.keepAliveTimeout(), "keep-alive connection idle");
    ctx.channel().config().setAutoRead(true);
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest httpRequest) {
    armDeadline(
        ctx, settings.handshakeTimeout(), "no complete request within the handshake timeout");
    discarding = true; // until a POST is accepted, its body is not read
    if (!httpRequest.decoderResult().isSuccess()) {
      Responses.sendAndClose(ctx, 400, "malformed HTTP request");
      return;
    }
    String path = new QueryStringDecoder(httpRequest.uri()).path();
    if (!path.equals(settings.path())) {
      Responses.sendAndClose(
          ctx, 404, "no OpAMP endpoint at " + path + " (expected: " + settings.path() + ")");
      return;
    }
    HttpHeaders headers = httpRequest.headers();
    boolean upgrade =
        headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    if (upgrade && httpRequest.method().equals(HttpMethod.GET)) {
      onUpgrade(ctx, httpRequest);
    } else if (httpRequest.method().equals(HttpMethod.POST)) {
      onPost(ctx, httpRequest);
    } else {
      Responses.sendAndClose(
          ctx,
          405,
          "OpAMP takes a POST with Content-Type "
              + PROTOBUF
              + ", or a GET that upgrades to WebSocket",
          Map.of("Allow", "GET, POST"));
    }
  }

  private boolean admittedByLimits(ChannelHandlerContext ctx, boolean webSocket) {
    if (!firstRequest) {
      return true;
    }
    if (!withinConnectionLimit) {
      metrics.rejected("max_connections");
      Responses.sendAndClose(
          ctx,
          503,
          "the OpAMP server is at its connection limit",
          Map.of("Retry-After", retryAfterSeconds()));
      return false;
    }
    if (!withinRate && !webSocket) {
      // ER-06: overloaded plain HTTP gets 503 + Retry-After; WebSocket is answered after the
      // upgrade with ServerErrorResponse UNAVAILABLE (ER-04), see OpampWebSocketHandler.
      metrics.rejected("accept_rate");
      Responses.sendAndClose(
          ctx,
          503,
          "the OpAMP server is busy admitting other agents",
          Map.of("Retry-After", retryAfterSeconds()));
      return false;
    }
    return true;
  }

  private void onPost(ChannelHandlerContext ctx, HttpRequest httpRequest) {
    HttpHeaders headers = httpRequest.headers();
    String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    String mediaType = contentType.split(";", 2)[0].trim();
    if (!mediaType.equalsIgnoreCase(PROTOBUF)) {
      // HT-02, A-12: the media type decides, parameters and case aside.
      Responses.sendAndClose(
          ctx,
          415,
          "Content-Type "
              + (contentType.isEmpty() ? "(none)" : contentType)
              + " is not "
              + PROTOBUF);
      return;
    }
    String encoding =
        headers.get(HttpHeaderNames.CONTENT_ENCODING, "identity").trim().toLowerCase(Locale.ROOT);
    if (!encoding.equals("identity") && !encoding.equals("gzip")) {
      Responses.sendAndClose(
          ctx, 415, "Content-Encoding " + encoding + " is not supported (expected: gzip or none)");
      return;
    }
    long declaredLength = HttpUtil.getContentLength(httpRequest, -1L);
    if (declaredLength > settings.messageLimits().maxMessageBytes()) {
      metrics.rejected("too_large");
      Responses.sendAndClose(ctx, 413, tooLarge(declaredLength));
      return;
    }
    if (!admittedByLimits(ctx, false)) {
      return;
    }
    firstRequest = false;
    ConnectionRequest connectionRequest = connectionRequest(ctx, TransportKind.HTTP, httpRequest);
    ConnectionDecision decision = engine.admit(connectionRequest);
    if (decision instanceof ConnectionDecision.Reject reject) {
      metrics.rejected("status_" + reject.status());
      Responses.sendAndClose(ctx, reject.status(), reject.message(), reject.headers());
      return;
    }
    request = connectionRequest;
    accepted = (ConnectionDecision.Accept) decision;
    gzipBody = encoding.equals("gzip");
    keepAlive = HttpUtil.isKeepAlive(httpRequest);
    String acceptEncoding =
        headers.get(HttpHeaderNames.ACCEPT_ENCODING, "").toLowerCase(Locale.ROOT);
    acceptsGzip = acceptEncoding.contains("gzip");
    releaseBody();
    body = ctx.alloc().compositeBuffer();
    discarding = false;
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    CompositeByteBuf buffer = body;
    if (buffer == null) {
      return;
    }
    if (content.content().isReadable()) {
      if ((long) buffer.readableBytes() + content.content().readableBytes()
          > settings.messageLimits().maxMessageBytes()) {
        // HT-L1/HT-L2: over the limit while still compressed, so over it decompressed too.
        metrics.rejected("too_large");
        releaseBody();
        discarding = true;
        Responses.sendAndClose(
            ctx, 413, tooLarge(buffer.readableBytes() + (long) content.content().readableBytes()));
        return;
      }
      buffer.addComponent(true, content.content().retain());
    }
    if (content instanceof LastHttpContent) {
      cancelDeadline();
      ctx.channel().config().setAutoRead(false);
      finishPost(ctx, buffer);
    }
  }

  private void finishPost(ChannelHandlerContext ctx, CompositeByteBuf buffer) {
    body = null;
    ConnectionRequest connectionRequest = request;
    ConnectionDecision.Accept decision = accepted;
    request = null;
    accepted = null;
    HttpRequestExchange exchange =
        new HttpRequestExchange(ctx, this, keepAlive, acceptsGzip, metrics);
    try {
      metrics.received(TransportMetrics.HTTP, buffer.readableBytes());
      InboundHandler inbound = engine.open(exchange, connectionRequest, decision);
      AgentToServer message;
      try {
        message =
            gzipBody
                ? settings
                    .messageLimits()
                    .parse(
                        AgentToServer.parser(), new GZIPInputStream(new ByteBufInputStream(buffer)))
                : settings.messageLimits().parse(AgentToServer.parser(), buffer.nioBuffer());
      } catch (MalformedMessageException e) {
        if (e.kind() == MalformedMessageException.Kind.TOO_LARGE) {
          metrics.rejected("too_large");
          exchange.answerTooLarge(e.getMessage());
        }
        inbound.onMalformed(e);
        return;
      } catch (IOException e) {
        // GZIPInputStream rejects a body that is not gzip at all in its constructor.
        inbound.onMalformed(
            new MalformedMessageException(
                MalformedMessageException.Kind.INVALID_COMPRESSION,
                "the body is not valid gzip data: " + e.getMessage(),
                e));
        return;
      }
      inbound.onMessage(message);
    } finally {
      buffer.release();
    }
  }

  private void onUpgrade(ChannelHandlerContext ctx, HttpRequest httpRequest) {
    if (!admittedByLimits(ctx, true)) {
      return;
    }
    firstRequest = false;
    ConnectionRequest connectionRequest =
        connectionRequest(ctx, TransportKind.WEBSOCKET, httpRequest);
    ConnectionDecision decision = engine.admit(connectionRequest);
    if (decision instanceof ConnectionDecision.Reject reject) {
      metrics.rejected("status_" + reject.status());
      Responses.sendAndClose(ctx, reject.status(), reject.message(), reject.headers());
      return;
    }
    WebSocketDecoderConfig decoderConfig =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(settings.messageLimits().maxMessageBytes())
            .allowExtensions(settings.webSocketCompression())
            // OpampWebSocketHandler sends the Close (1009, 1002) and waits for the agent's before
            // closing the socket, so the agent gets the status (RFC 6455 7.1.1).
            .closeOnProtocolViolation(false)
            .build();
    String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss" : "ws";
    String host = httpRequest.headers().get(HttpHeaderNames.HOST, "localhost");
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(
                scheme + "://" + host + settings.path(), null, decoderConfig)
            .newHandshaker(httpRequest);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      ctx.close();
      return;
    }
    cancelDeadline();
    OpampWebSocketHandler webSocket =
        new OpampWebSocketHandler(
            engine,
            connectionRequest,
            (ConnectionDecision.Accept) decision,
            handshaker,
            settings,
            metrics,
            withinRate ? null : settings.retryAfter());
    if (!withinRate) {
      metrics.rejected("accept_rate");
    }
    // The frame handlers go in before the handshake so no frame after the 101 is missed.
    ctx.pipeline().addAfter(ctx.name(), "opamp-ws", webSocket);
    ctx.pipeline()
        .addAfter(
            ctx.name(),
            "ws-aggregator",
            new WebSocketFrameAggregator(settings.messageLimits().maxMessageBytes()));
    upgraded = true;
    FullHttpRequest full =
        new DefaultFullHttpRequest(
            httpRequest.protocolVersion(),
            httpRequest.method(),
            httpRequest.uri(),
            Unpooled.EMPTY_BUFFER,
            httpRequest.headers().copy(),
            EmptyHttpHeaders.INSTANCE);
    handshaker
        .handshake(ctx.channel(), full)
        .addListener(
            future -> {
              if (future.isSuccess()) {
                metrics.upgradedToWebSocket();
                webSocket.upgraded();
              } else {
                ctx.close();
              }
            });
  }

  private ConnectionRequest connectionRequest(
      ChannelHandlerContext ctx, TransportKind kind, HttpRequest httpRequest) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : httpRequest.headers()) {
      headers.computeIfAbsent(header.getKey(), k -> new ArrayList<>(1)).add(header.getValue());
    }
    return new ConnectionRequest(
        kind,
        new QueryStringDecoder(httpRequest.uri()).path(),
        headers,
        (InetSocketAddress) ctx.channel().remoteAddress(),
        clientCertificates(ctx));
  }

  private static List<X509Certificate> clientCertificates(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return List.of();
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : ssl.engine().getSession().getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
      return chain;
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  private String tooLarge(long bytes) {
    return "message of "
        + bytes
        + " bytes exceeds the limit of "
        + settings.messageLimits().maxMessageBytes()
        + " bytes";
  }

  private String retryAfterSeconds() {
    return Long.toString(Math.max(1, (settings.retryAfter().toMillis() + 999) / 1000));
  }

  private void armDeadline(ChannelHandlerContext ctx, java.time.Duration timeout, String why) {
    cancelDeadline();
    deadline =
        ctx.executor()
            .schedule(
                () -> {
                  LOG.log(
                      System.Logger.Level.DEBUG,
                      () -> "closing " + ctx.channel().remoteAddress() + ": " + why);
                  ctx.close();
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }
}
