/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.client.BackoffPolicy;
import org.opampfleet.opamp.client.ClientCallbacks;
import org.opampfleet.opamp.client.ConnectionState;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * A reconnect storm on real loopback sockets: 1,000 WebSocket clients lose their server in the same
 * instant, and their first reconnect attempts spread evenly over the reconnect jitter window
 * instead of arriving at once (WS-13; {@link BackoffPolicy#reconnectJitter()}).
 *
 * <p>The clients share one two-thread scheduler and one JDK {@code HttpClient}, as a load generator
 * does ({@link SharedExecutorIT}), so the JVM does not start a thread per client.
 *
 * <p>The server is {@link StormServer}, a minimal OpAMP WebSocket server on one Netty listener. The
 * "crash" closes every agent connection at once at the TCP level (no WebSocket Close frame, as the
 * operating system does when a server process dies) while the listener stays bound: the restarted
 * server is back on the same port with no delay, so every reconnect attempt reaches it and is
 * timestamped when its TCP connection is accepted. (Closing the listener and binding a recorder
 * afterwards would leave a gap in which the earliest clients are refused and fall back to the
 * exponential backoff; their first attempts would be lost to the measurement.)
 */
class ReconnectStormIT {

  private static final int CLIENTS = 1_000;
  private static final Duration JITTER = Duration.ofSeconds(2);
  private static final Duration MARGIN = Duration.ofMillis(1000);
  private static final int SLICES = 10;
  private static final int MIN_PER_SLICE = CLIENTS * 5 / 100;
  private static final int MAX_PER_SLICE = CLIENTS * 15 / 100;
  private static final Duration SPAN = Duration.ofMillis(50);
  private static final int MAX_PER_SPAN = CLIENTS / 10;
  private static final long SEED = 20261128L;

  @Test
  void thousandClientsLosingTheirServerAtOnceSpreadTheirReconnectsOverTheJitterWindow()
      throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);
    HttpClient shared = HttpClient.newBuilder().executor(scheduler).build();
    List<OpampClient> clients = new ArrayList<>();
    Fleet fleet = new Fleet(CLIENTS);
    try (StormServer server = StormServer.start()) {
      try {
        BackoffPolicy backoff =
            new BackoffPolicy(
                Duration.ofSeconds(1), Duration.ofMinutes(2), JITTER, Duration.ofSeconds(30));
        SplittableRandom seeds = new SplittableRandom(SEED);
        for (int i = 0; i < CLIENTS; i++) {
          InstanceUid uid = InstanceUid.generate();
          fleet.uids[i] = uid.toString();
          OpampClient client =
              OpampClient.builder()
                  .serverUri(server.uri())
                  .instanceUid(uid)
                  .agentDescription(OpampClientContract.DESCRIPTION)
                  .capabilities(EnumSet.of(AgentCapability.REPORTS_HEALTH))
                  .heartbeatInterval(Duration.ZERO)
                  .backoff(backoff)
                  .random(seeds.split())
                  .callbacks(fleet.callbacks(i))
                  .callbackExecutor(Runnable::run)
                  .executor(scheduler)
                  .httpClient(shared)
                  .build();
          clients.add(client);
          client.start();
        }
        awaitAnswered(fleet, clients, Duration.ofSeconds(30));
        assertThat(server.acceptedBeforeFirstCrash()).isEqualTo(CLIENTS);

        // A first round, answered again, warms up the reconnect path (JIT), so the measured round
        // shows the clients' timing and not the compiler's.
        fleet.newRound();
        StormServer.Round warmUp = server.crash(false);
        awaitAnswered(fleet, clients, JITTER.plus(MARGIN).plusSeconds(20));
        report("warm-up", warmUp, fleet);

        fleet.newRound();
        StormServer.Round storm = server.crash(true);
        await()
            .atMost(JITTER.plus(MARGIN).plusSeconds(10))
            .untilAsserted(() -> assertThat(storm.firstAttempts()).hasSize(CLIENTS));
        Spread spread = report("storm", storm, fleet);

        // WS-13: each client waits a random delay within the jitter window after it noticed the
        // loss; together they fill the window evenly instead of arriving at once.
        assertThat(spread.own[CLIENTS - 1])
            .as("every first reconnect within the jitter window after the loss")
            .isLessThanOrEqualTo(JITTER.plus(MARGIN).toNanos());
        assertThat(Arrays.stream(slices(spread.own)).boxed().toList())
            .as("first reconnects per tenth of the jitter window, counted from each loss")
            .allSatisfy(n -> assertThat(n).isBetween(MIN_PER_SLICE, MAX_PER_SLICE));
        assertThat(busiestSpan(spread.wire, SPAN.toNanos()))
            .as("most first reconnects the server saw within any %d ms", SPAN.toMillis())
            .isLessThanOrEqualTo(MAX_PER_SPAN);
        assertThat(storm.accepted.get())
            .as("one attempt per client: the 503 + Retry-After holds the rest back")
            .isEqualTo(CLIENTS);
      } finally {
        List<CompletableFuture<Void>> stopping =
            clients.stream().map(OpampClient::stopAsync).toList();
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
            .get(30, TimeUnit.SECONDS);
      }
    } finally {
      scheduler.shutdownNow();
    }
  }

  /**
   * Times of first reconnect attempts, sorted: at the server since the crash; per client since it
   * noticed the loss.
   */
  record Spread(long[] wire, long[] own) {}

  static Spread report(String name, StormServer.Round round, Fleet fleet) {
    Map<String, Long> first = round.firstAttempts();
    long[] wire = first.values().stream().mapToLong(at -> at - round.start).sorted().toArray();
    long[] own = new long[CLIENTS];
    long[] lost = new long[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      own[i] = first.get(fleet.uids[i]) - fleet.lostAt.get(i);
      lost[i] = fleet.lostAt.get(i) - round.start;
    }
    Arrays.sort(own);
    Arrays.sort(lost);
    System.out.printf(
        "%s: drop took %d ms; noticed %d..%d ms (p50 %d)%n",
        name,
        millis(round.dropTook),
        millis(lost[0]),
        millis(lost[CLIENTS - 1]),
        millis(percentile(lost, 0.5)));
    System.out.printf(
        "  wire: %s p50 %d p99 %d first %d last %d span %d%n",
        Arrays.toString(slices(wire)),
        millis(percentile(wire, 0.5)),
        millis(percentile(wire, 0.99)),
        millis(wire[0]),
        millis(wire[CLIENTS - 1]),
        busiestSpan(wire, SPAN.toNanos()));
    System.out.printf(
        "  own:  %s p50 %d p99 %d first %d last %d span %d%n",
        Arrays.toString(slices(own)),
        millis(percentile(own, 0.5)),
        millis(percentile(own, 0.99)),
        millis(own[0]),
        millis(own[CLIENTS - 1]),
        busiestSpan(own, SPAN.toNanos()));
    return new Spread(wire, own);
  }

  static int[] slices(long[] offsets) {
    long slice = JITTER.toNanos() / SLICES;
    int[] perSlice = new int[SLICES];
    for (long offset : offsets) {
      perSlice[(int) Math.min(SLICES - 1, Math.max(0, offset / slice))]++;
    }
    return perSlice;
  }

  private static void awaitAnswered(Fleet fleet, List<OpampClient> clients, Duration atMost) {
    await()
        .atMost(atMost)
        .until(
            () ->
                fleet.answered() == CLIENTS
                    && clients.stream()
                        .allMatch(c -> c.connectionState() == ConnectionState.CONNECTED));
  }

  /** Returns the largest number of sorted times within any window of {@code span} nanoseconds. */
  private static int busiestSpan(long[] sorted, long span) {
    int best = 0;
    int first = 0;
    for (int last = 0; last < sorted.length; last++) {
      while (sorted[last] - sorted[first] >= span) {
        first++;
      }
      best = Math.max(best, last - first + 1);
    }
    return best;
  }

  /** Nearest-rank percentile of sorted values. */
  private static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  static final class Fleet {
    final String[] uids;
    final AtomicIntegerArray answered;
    final AtomicLongArray lostAt;
    final AtomicInteger failed = new AtomicInteger();

    Fleet(int clients) {
      uids = new String[clients];
      answered = new AtomicIntegerArray(clients);
      lostAt = new AtomicLongArray(clients);
    }

    void newRound() {
      for (int i = 0; i < uids.length; i++) {
        answered.set(i, 0);
        lostAt.set(i, 0);
      }
      failed.set(0);
    }

    int answered() {
      int n = 0;
      for (int i = 0; i < uids.length; i++) {
        n += answered.get(i);
      }
      return n;
    }

    ClientCallbacks callbacks(int index) {
      return new ClientCallbacks() {
        @Override
        public void onCustomCapabilities(CustomCapabilities capabilities) {
          answered.set(index, 1);
        }

        @Override
        public void onConnectionLost(Throwable cause) {
          lostAt.compareAndSet(index, 0, System.nanoTime());
        }

        @Override
        public void onConnectFailed(Throwable cause) {
          failed.incrementAndGet();
        }
      };
    }
  }

  static final class StormServer implements AutoCloseable {
    private static final String PATH = "/v1/opamp";
    private static final AttributeKey<Long> ACCEPTED_AT = AttributeKey.valueOf("storm-accepted");
    private static final CustomCapabilities ANSWERED =
        CustomCapabilities.newBuilder().addCapabilities("io.opampfleet.test.storm").build();

    static final class Round {
      final long start = System.nanoTime();
      final boolean refuse;
      final AtomicInteger accepted = new AtomicInteger();
      final Map<String, Long> firstAttempts = new ConcurrentHashMap<>();
      volatile long dropTook;

      Round(boolean refuse) {
        this.refuse = refuse;
      }

      Map<String, Long> firstAttempts() {
        return Map.copyOf(firstAttempts);
      }
    }

    private final EventLoopGroup acceptor =
        new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final AtomicInteger acceptedBeforeFirstCrash = new AtomicInteger();
    private volatile ChannelGroup connections = newGroup();
    private final List<ChannelGroup> dropped = new CopyOnWriteArrayList<>();
    private volatile Round round;
    private Channel listener;

    private static ChannelGroup newGroup() {
      return new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    }

    static StormServer start() throws InterruptedException {
      StormServer server = new StormServer();
      try {
        server.bind();
      } catch (RuntimeException | InterruptedException e) {
        server.close();
        throw e;
      }
      return server;
    }

    private void bind() throws InterruptedException {
      listener =
          new ServerBootstrap()
              .group(acceptor, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 2048)
              .handler(new AcceptTimes())
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      connections.add(channel);
                      channel
                          .pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(64 * 1024))
                          .addLast(new UpgradeRecorder())
                          .addLast(
                              new WebSocketServerProtocolHandler(
                                  WebSocketServerProtocolConfig.newBuilder()
                                      .websocketPath(PATH)
                                      .sendCloseFrame(null)
                                      .build()))
                          .addLast(new WebSocketFrameAggregator(4 * 1024 * 1024))
                          .addLast(new OpampAnswers());
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
    }

    URI uri() {
      return URI.create(
          "ws://127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort() + PATH);
    }

    Round crash(boolean refuseAfterwards) throws InterruptedException {
      ChannelGroup open = connections;
      connections = newGroup();
      dropped.add(open);
      Round next = new Round(refuseAfterwards);
      round = next;
      open.close().sync();
      next.dropTook = System.nanoTime() - next.start;
      return next;
    }

    int acceptedBeforeFirstCrash() {
      return acceptedBeforeFirstCrash.get();
    }

    @Override
    public void close() {
      try {
        if (listener != null) {
          listener.close().sync();
        }
        connections.close().sync();
        for (ChannelGroup group : dropped) {
          group.close().sync();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class AcceptTimes extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = System.nanoTime();
        ((Channel) msg).attr(ACCEPTED_AT).set(now);
        Round current = round;
        if (current == null) {
          acceptedBeforeFirstCrash.incrementAndGet();
        } else {
          current.accepted.incrementAndGet();
        }
        ctx.fireChannelRead(msg);
      }
    }

    private final class UpgradeRecorder extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Round current = round;
        if (msg instanceof FullHttpRequest request && current != null) {
          long acceptedAt = ctx.channel().attr(ACCEPTED_AT).get();
          String uid = request.headers().get("OpAMP-Instance-UID");
          if (uid != null && acceptedAt - current.start >= 0) {
            current.firstAttempts.putIfAbsent(uid, acceptedAt);
          }
          if (current.refuse) {
            request.release();
            FullHttpResponse refusal =
                new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE);
            refusal.headers().set(HttpHeaderNames.RETRY_AFTER, "60");
            refusal.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
            return;
          }
        }
        ctx.fireChannelRead(msg);
      }
    }

    private static final class OpampAnswers
        extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
        AgentToServer message;
        try {
          message =
              WebSocketFraming.parse(
                  AgentToServer.parser(), frame.content().nioBuffer(), MessageLimits.defaults());
        } catch (MalformedMessageException e) {
          ctx.writeAndFlush(new CloseWebSocketFrame(1002, "malformed"))
              .addListener(ChannelFutureListener.CLOSE);
          return;
        }
        ServerToAgent reply =
            ServerToAgent.newBuilder()
                .setInstanceUid(message.getInstanceUid())
                .setCapabilities(ServerCapability.BITMASK.knownBits())
                .setCustomCapabilities(ANSWERED)
                .build();
        ctx.writeAndFlush(
            new BinaryWebSocketFrame(Unpooled.wrappedBuffer(WebSocketFraming.frame(reply))));
      }
    }
  }
}
