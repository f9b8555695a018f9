/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import com.google.protobuf.ByteString;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * A scriptable OpAMP server on Netty for tests: WebSocket (binary frames with the 0x00 header) and
 * plain HTTP POST on {@code /v1/opamp}, on 127.0.0.1 and an ephemeral port, optionally over TLS.
 *
 * <p>By default it behaves like a correct server: it answers every message with its capabilities,
 * asks for the full state when a sequence number skips or an unknown agent sends a compressed
 * report (ST-16), and delivers {@link #send queued messages}. A test replaces that with {@link
 * #behaviour} to script failures: HTTP statuses with {@code Retry-After}, malformed or oversized
 * replies, closing mid-message, delays. {@link #handshake} scripts WebSocket upgrades. It also
 * serves package downloads under {@code /packages/}.
 *
 * <p>Everything received is recorded: messages, request headers, WebSocket close codes, and the
 * time of every connection attempt.
 */
public final class FakeOpampServer implements OpampServerFixture {

  /** The OpAMP path. */
  public static final String PATH = "/v1/opamp";

  private static final AttributeKey<Map<String, String>> UPGRADE_HEADERS =
      AttributeKey.valueOf("opamp-upgrade-headers");

  /** One message received, with the transport and request headers that carried it. */
  public record Received(
      Transport transport,
      AgentToServer message,
      Map<String, String> headers,
      Instant at,
      String clientCertificateSubject) {}

  private final SslContext sslContext;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ChannelGroup webSockets = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
  private final List<Instant> attempts = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> downloadRequests = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> downloads = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<ServerToAgent> queuedForHttp = new ConcurrentLinkedQueue<>();
  private final Map<ByteString, Long> lastSequence = new ConcurrentHashMap<>();
  private final AtomicInteger textFramesSent = new AtomicInteger();
  private volatile Function<Received, Reply> behaviour = this::standardReply;
  private volatile Function<Map<String, String>, Reply.Handshake> handshake =
      headers -> new Reply.Handshake.Accept();
  private volatile BiFunction<Received, ServerToAgent, ServerToAgent> decorator = (r, m) -> m;
  private volatile boolean gzipResponses;
  private volatile Channel serverChannel;
  private volatile int port;

  private FakeOpampServer(SslContext sslContext) {
    this.sslContext = sslContext;
  }

  /** Starts a plain (no TLS) server. */
  public static FakeOpampServer start() throws InterruptedException {
    return start(null);
  }

  /** Starts a server; with a non-null context it serves {@code wss} and {@code https}. */
  public static FakeOpampServer start(SslContext sslContext) throws InterruptedException {
    FakeOpampServer server = new FakeOpampServer(sslContext);
    server.bind(0);
    return server;
  }

  private void bind(int requestedPort) throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    connections.add(channel);
                    if (sslContext != null) {
                      channel.pipeline().addLast(sslContext.newHandler(channel.alloc()));
                    }
                    channel
                        .pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024 * 1024))
                        .addLast(new HttpHandler());
                  }
                });
    serverChannel = bootstrap.bind("127.0.0.1", requestedPort).sync().channel();
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public URI uri(Transport transport) {
    String scheme =
        transport == Transport.WEBSOCKET
            ? (sslContext == null ? "ws" : "wss")
            : (sslContext == null ? "http" : "https");
    return URI.create(scheme + "://127.0.0.1:" + port + PATH);
  }

  /** Returns the URI of a package download registered with {@link #addDownload}. */
  public URI downloadUri(String name) {
    return URI.create(
        (sslContext == null ? "http" : "https") + "://127.0.0.1:" + port + "/packages/" + name);
  }

  /** Returns the port. */
  public int port() {
    return port;
  }

  /** Serves {@code content} at {@code /packages/name}. */
  public void addDownload(String name, byte[] content) {
    downloads.put(name, content.clone());
  }

  /** Returns the headers of every download request. */
  public List<Map<String, String>> downloadRequests() {
    return List.copyOf(downloadRequests);
  }

  /** Replaces how the server answers messages; {@link #standardReply} is the default. */
  public void behaviour(Function<Received, Reply> behaviour) {
    this.behaviour = behaviour;
  }

  /** Replaces how the server answers WebSocket upgrade requests; accepting is the default. */
  public void handshake(Function<Map<String, String>, Reply.Handshake> handshake) {
    this.handshake = handshake;
  }

  /** Lets a test change every standard reply, e.g. to add offers depending on what was received. */
  public void decorate(BiFunction<Received, ServerToAgent, ServerToAgent> decorator) {
    this.decorator = decorator;
  }

  /** Makes plain-HTTP answers gzipped when the request accepts gzip (HT-05). */
  public void gzipResponses() {
    this.gzipResponses = true;
  }

  /**
   * Returns the answer a correct server gives: its capabilities, the agent's instance UID, {@code
   * ReportFullState} when needed (ST-16, A-08), and any queued messages for plain HTTP.
   */
  public Reply standardReply(Received received) {
    AgentToServer message = received.message();
    if (message.hasAgentDisconnect()) {
      // Forget the agent (DC-04), but answer: every message gets an answer (ST-04).
      lastSequence.remove(message.getInstanceUid());
      return Reply.message(
          ServerToAgent.newBuilder().setInstanceUid(message.getInstanceUid()).build());
    }
    Long last = lastSequence.put(message.getInstanceUid(), message.getSequenceNum());
    boolean gap = last != null && message.getSequenceNum() != last + 1;
    boolean unknownAndCompressed = last == null && !message.hasAgentDescription();
    ServerToAgent.Builder reply =
        ServerToAgent.newBuilder()
            .setInstanceUid(message.getInstanceUid())
            .setCapabilities(ServerCapability.BITMASK.knownBits());
    if (gap || unknownAndCompressed) {
      reply.setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit());
    }
    if (received.transport() == Transport.HTTP) {
      ServerToAgent queued;
      while ((queued = queuedForHttp.poll()) != null) {
        reply.mergeFrom(queued);
      }
    }
    return Reply.message(decorator.apply(received, reply.build()));
  }

  @Override
  public List<AgentToServer> received() {
    return received.stream().map(Received::message).toList();
  }

  /** Returns every message received with its transport, headers and time. */
  public List<Received> receivedWithDetails() {
    return List.copyOf(received);
  }

  @Override
  public List<Map<String, String>> receivedHeaders() {
    return received.stream().map(Received::headers).toList();
  }

  /** Returns the status codes of the WebSocket Close frames clients sent. */
  public List<Integer> closeCodes() {
    return List.copyOf(closeCodes);
  }

  /** Returns the time of every WebSocket upgrade request and every plain-HTTP request. */
  public List<Instant> attempts() {
    return List.copyOf(attempts);
  }

  /** Returns how many WebSocket connections are open. */
  public int openWebSockets() {
    return webSockets.size();
  }

  @Override
  public void send(InstanceUid agent, ServerToAgent message) {
    ServerToAgent addressed = message.toBuilder().setInstanceUid(agent.toByteString()).build();
    if (webSockets.isEmpty()) {
      queuedForHttp.add(addressed);
      return;
    }
    for (Channel channel : webSockets) {
      channel.writeAndFlush(frame(addressed));
    }
  }

  /** Sends a text WebSocket message to every connected client. */
  public void sendText(String text) {
    textFramesSent.incrementAndGet();
    for (Channel channel : webSockets) {
      channel.writeAndFlush(new TextWebSocketFrame(text));
    }
  }

  /** Closes every WebSocket with a Close frame, as a server going away does (WS-12). */
  public void closeWebSockets(int code) {
    for (Channel channel : webSockets) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(code, "going away"))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void restart() throws InterruptedException {
    serverChannel.close().sync();
    connections.close().sync();
    lastSequence.clear();
    queuedForHttp.clear();
    bind(port);
  }

  @Override
  public void close() {
    try {
      serverChannel.close().sync();
      connections.close().sync();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Returns the subject of the client certificate on this connection, or null. */
  private static String peerSubject(ChannelHandlerContext ctx) {
    io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      return ((java.security.cert.X509Certificate)
              ssl.engine().getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** Returns the client certificate subjects of the received messages (null without one). */
  public List<String> clientCertificateSubjects() {
    List<String> subjects = new java.util.ArrayList<>();
    for (Received r : received) {
      subjects.add(r.clientCertificateSubject());
    }
    return subjects;
  }

  private static BinaryWebSocketFrame frame(ServerToAgent message) {
    return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(WebSocketFraming.frame(message)));
  }

  private static Map<String, String> headers(FullHttpRequest request) {
    Map<String, String> headers = new TreeMap<>();
    request
        .headers()
        .forEach(entry -> headers.put(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue()));
    return Collections.unmodifiableMap(headers);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  /** Routes HTTP requests: WebSocket upgrades, OpAMP POSTs and package downloads. */
  private final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
        throws Exception {
      String path = URI.create(request.uri()).getPath();
      Map<String, String> headers = headers(request);
      if (path.startsWith("/packages/") && request.method().equals(HttpMethod.GET)) {
        download(ctx, path.substring("/packages/".length()), headers);
        return;
      }
      if (!path.equals(PATH)) {
        respond(ctx, HttpResponseStatus.NOT_FOUND, Map.of(), new byte[0], false);
        return;
      }
      if ("websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
        upgrade(ctx, request, headers);
        return;
      }
      if (!request.method().equals(HttpMethod.POST)) {
        respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of(), new byte[0], false);
        return;
      }
      attempts.add(Instant.now());
      AgentToServer message;
      try (InputStream body = body(request)) {
        message = MessageLimits.defaults().parse(AgentToServer.parser(), body);
      } catch (MalformedMessageException e) {
        respond(ctx, HttpResponseStatus.BAD_REQUEST, Map.of(), new byte[0], false);
        return;
      }
      Received record =
          new Received(Transport.HTTP, message, headers, Instant.now(), peerSubject(ctx));
      received.add(record);
      boolean acceptsGzip =
          headers.getOrDefault("accept-encoding", "").toLowerCase(Locale.ROOT).contains("gzip");
      answerHttp(ctx, behaviour.apply(record), acceptsGzip);
    }

    private InputStream body(FullHttpRequest request) throws IOException {
      InputStream in = new ByteBufInputStream(request.content().retainedDuplicate(), true);
      if ("gzip".equalsIgnoreCase(request.headers().get(HttpHeaderNames.CONTENT_ENCODING))) {
        // Servers must accept gzipped request bodies (HT-04).
        return new GZIPInputStream(in);
      }
      return in;
    }

    private void answerHttp(ChannelHandlerContext ctx, Reply reply, boolean acceptsGzip)
        throws IOException {
      if (reply instanceof Reply.Message m) {
        byte[] bytes = m.message().toByteArray();
        if (gzipResponses && acceptsGzip) {
          respond(
              ctx, HttpResponseStatus.OK, Map.of("Content-Encoding", "gzip"), gzip(bytes), true);
        } else {
          respond(ctx, HttpResponseStatus.OK, Map.of(), bytes, true);
        }
      } else if (reply instanceof Reply.Raw raw) {
        respond(ctx, HttpResponseStatus.OK, Map.of(), raw.bytes(), true);
      } else if (reply instanceof Reply.Text text) {
        respond(
            ctx,
            HttpResponseStatus.OK,
            Map.of(),
            text.text().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            true);
      } else if (reply instanceof Reply.Status status) {
        respond(
            ctx, HttpResponseStatus.valueOf(status.code()), status.headers(), new byte[0], true);
      } else if (reply instanceof Reply.CloseMidMessage) {
        DefaultHttpResponse head =
            new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 1000);
        ctx.write(head);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {0x0a, 0x10})))
            .addListener(ChannelFutureListener.CLOSE);
      } else if (reply instanceof Reply.Delayed delayed) {
        ctx.executor()
            .schedule(
                () -> {
                  try {
                    answerHttp(ctx, delayed.then(), acceptsGzip);
                  } catch (IOException e) {
                    ctx.close();
                  }
                },
                delayed.delay().toNanos(),
                TimeUnit.NANOSECONDS);
      }
    }

    private void upgrade(
        ChannelHandlerContext ctx, FullHttpRequest request, Map<String, String> headers) {
      attempts.add(Instant.now());
      Reply.Handshake decision = handshake.apply(headers);
      if (decision instanceof Reply.Handshake.Refuse refuse) {
        respond(
            ctx, HttpResponseStatus.valueOf(refuse.code()), refuse.headers(), new byte[0], false);
        return;
      }
      if (decision instanceof Reply.Handshake.Hang) {
        return;
      }
      String scheme = sslContext == null ? "ws" : "wss";
      WebSocketServerHandshaker handshaker =
          new WebSocketServerHandshakerFactory(
                  scheme + "://" + request.headers().get(HttpHeaderNames.HOST) + PATH,
                  null,
                  false,
                  64 * 1024 * 1024)
              .newHandshaker(request);
      if (handshaker == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        return;
      }
      ctx.channel().attr(UPGRADE_HEADERS).set(headers);
      handshaker
          .handshake(ctx.channel(), request)
          .addListener(
              future -> {
                if (future.isSuccess()) {
                  ctx.pipeline().remove(this);
                  ctx.pipeline()
                      .addLast(new WebSocketFrameAggregator(64 * 1024 * 1024))
                      .addLast(new WebSocketHandler());
                  webSockets.add(ctx.channel());
                }
              });
    }

    private void download(ChannelHandlerContext ctx, String name, Map<String, String> headers) {
      downloadRequests.add(headers);
      byte[] content = downloads.get(name);
      if (content == null) {
        respond(ctx, HttpResponseStatus.NOT_FOUND, Map.of(), new byte[0], true);
      } else {
        respond(ctx, HttpResponseStatus.OK, Map.of(), content, true);
      }
    }

    private void respond(
        ChannelHandlerContext ctx,
        HttpResponseStatus status,
        Map<String, String> headers,
        byte[] body,
        boolean keepAlive) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
      headers.forEach((name, value) -> response.headers().set(name, value));
      if (keepAlive) {
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /** Handles an upgraded WebSocket connection. */
  private final class WebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        return;
      }
      if (frame instanceof CloseWebSocketFrame close) {
        closeCodes.add(close.statusCode());
        ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (!(frame instanceof BinaryWebSocketFrame)) {
        return;
      }
      ByteBuf content = frame.content();
      AgentToServer message;
      try {
        message =
            WebSocketFraming.parse(
                AgentToServer.parser(), content.nioBuffer(), MessageLimits.defaults());
      } catch (MalformedMessageException e) {
        ctx.writeAndFlush(new CloseWebSocketFrame(1002, "malformed"))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      Received record =
          new Received(
              Transport.WEBSOCKET,
              message,
              ctx.channel().attr(UPGRADE_HEADERS).get(),
              Instant.now(),
              peerSubject(ctx));
      received.add(record);
      answer(ctx, behaviour.apply(record));
    }

    private void answer(ChannelHandlerContext ctx, Reply reply) {
      if (reply instanceof Reply.Message m) {
        ctx.writeAndFlush(frame(m.message()));
      } else if (reply instanceof Reply.Raw raw) {
        ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(raw.bytes())));
      } else if (reply instanceof Reply.Text text) {
        ctx.writeAndFlush(new TextWebSocketFrame(text.text()));
      } else if (reply instanceof Reply.Status status) {
        ctx.writeAndFlush(new CloseWebSocketFrame(1011, "status " + status.code()))
            .addListener(ChannelFutureListener.CLOSE);
      } else if (reply instanceof Reply.CloseMidMessage) {
        // A binary frame header announcing 1000 bytes, then only two of them.
        ByteBuf partial = Unpooled.buffer();
        partial.writeByte(0x82).writeByte(126).writeShort(1000).writeByte(0).writeByte(0x0a);
        ctx.writeAndFlush(partial).addListener(ChannelFutureListener.CLOSE);
      } else if (reply instanceof Reply.Delayed delayed) {
        ctx.executor()
            .schedule(
                () -> answer(ctx, delayed.then()), delayed.delay().toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      webSockets.remove(ctx.channel());
      super.channelInactive(ctx);
    }
  }
}
