/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import com.google.protobuf.ByteString;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MessageLimits;

/**
 * One worker's simulated agents and the Netty machinery they share: a few event-loop threads, a
 * connect ramp, one HTTP connection pool per loop, and the scenario actions (storm, churn).
 *
 * <p><b>Thread safety:</b> thread-safe. Each agent is confined to its event loop; the public
 * actions hand work to the loops.
 */
final class AgentFleet implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AgentFleet.class.getName());
  private static final long RAMP_TICK_MILLIS = 10;
  private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  private static final MessageLimits LIMITS = MessageLimits.defaults();

  private final LoadOptions options;
  private final WorkerPlan plan;
  private final FleetStats stats;
  private final AgentContent content;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final Bootstrap template;
  private final List<EventLoop> loops = new ArrayList<>();
  private final Map<EventLoop, HttpPollPool> pools = new IdentityHashMap<>();
  private final SimulatedAgent[] agents;
  private final URI webSocketUri;
  private final InetSocketAddress remote;
  private final AtomicInteger connectsInFlight = new AtomicInteger();
  private final AtomicLong socketsOpened = new AtomicLong();
  private final Set<ErrorKind> limitsReported = ConcurrentHashMap.newKeySet();
  private final long failSalt;

  private volatile @Nullable Latency phase;
  private volatile boolean stopping;
  private @Nullable ScheduledFuture<?> ramp;
  private @Nullable ScheduledFuture<?> churn;

  AgentFleet(LoadOptions options, WorkerPlan plan, FleetStats stats) {
    this.options = options;
    this.plan = plan;
    this.stats = stats;
    this.content =
        new AgentContent(options.effectiveConfigBytes(), System.currentTimeMillis() * 1_000_000L);
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group =
        new MultiThreadIoEventLoopGroup(
            options.ioThreads(),
            new DefaultThreadFactory("loadgen-loop-w" + plan.index(), true),
            io);
    for (EventExecutor executor : group) {
      loops.add((EventLoop) executor);
    }
    this.template =
        new Bootstrap()
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, HANDSHAKE_TIMEOUT_MILLIS)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    this.webSocketUri = options.webSocketUri();
    this.remote = new InetSocketAddress(options.target().getHost(), options.target().getPort());
    for (EventLoop loop : loops) {
      pools.put(
          loop,
          new HttpPollPool(
              loop,
              template,
              options.httpUri(),
              plan.sourceAddresses(),
              Math.max(1, plan.httpConnections() / loops.size()),
              stats,
              LIMITS));
    }
    this.failSalt = new SplittableRandom(options.seed()).nextLong();
    this.agents = new SimulatedAgent[plan.agents()];
    for (int i = 0; i < agents.length; i++) {
      long index = plan.firstAgent() + i;
      agents[i] =
          new SimulatedAgent(
              this,
              index,
              options.mix().isHttp(index),
              loops.get(i % loops.size()),
              InstanceUid.generate());
    }
  }

  /** Returns the worker's {@code i}-th agent. */
  SimulatedAgent agent(int i) {
    return agents[i];
  }

  /** Returns whether native epoll is in use (NIO otherwise). */
  boolean usesEpoll() {
    return epoll;
  }

  LoadOptions options() {
    return options;
  }

  FleetStats stats() {
    return stats;
  }

  AgentContent content() {
    return content;
  }

  /** Starts connecting the agents at the worker's share of the connect rate. */
  void start() {
    long startNanos = System.nanoTime();
    int[] next = {0};
    ramp =
        loops
            .get(0)
            .scheduleAtFixedRate(
                () -> {
                  double elapsed = (System.nanoTime() - startNanos) / 1e9;
                  long allowed = Math.min(agents.length, 1 + (long) (plan.connectRate() * elapsed));
                  while (next[0] < allowed
                      && connectsInFlight.get() < options.maxPendingConnects()
                      && !stopping) {
                    SimulatedAgent agent = agents[next[0]++];
                    connectsInFlight.incrementAndGet(); // released by the agent's own accounting
                    agent
                        .loop()
                        .execute(
                            () -> {
                              connectsInFlight.decrementAndGet();
                              agent.start();
                            });
                  }
                  if (next[0] >= agents.length && ramp != null) {
                    ramp.cancel(false);
                  }
                },
                0,
                RAMP_TICK_MILLIS,
                TimeUnit.MILLISECONDS);
  }

  /** Opens an agent's WebSocket on its loop; the handler reports back to the agent. */
  ChannelFuture openWebSocket(SimulatedAgent agent) {
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            webSocketUri,
            WebSocketVersion.V13,
            null,
            false,
            new DefaultHttpHeaders(),
            LIMITS.maxMessageBytes());
    Bootstrap b = template.clone(agent.loop());
    b.handler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(new HttpClientCodec())
                .addLast(new HttpObjectAggregator(16 * 1024))
                .addLast(new WebSocketFrameAggregator(LIMITS.maxMessageBytes()))
                .addLast(
                    new WebSocketAgentHandler(agent, handshaker, LIMITS, HANDSHAKE_TIMEOUT_MILLIS));
          }
        });
    List<String> sources = plan.sourceAddresses();
    if (sources.isEmpty()) {
      return b.connect(remote);
    }
    return b.connect(
        remote,
        new InetSocketAddress(
            SourceAddresses.forSocket(sources, socketsOpened.getAndIncrement()), 0));
  }

  /** Returns the HTTP pool of an agent's loop. */
  HttpPollPool poolFor(SimulatedAgent agent) {
    HttpPollPool pool = pools.get(agent.loop());
    if (pool == null) {
      throw new IllegalStateException("no HTTP pool for the agent's event loop");
    }
    return pool;
  }

  /** Counts a connection being set up (for the ramp's limit on connects in flight). */
  void connectStarted() {
    connectsInFlight.incrementAndGet();
  }

  /** Counts a connection set up or failed. */
  void connectEnded() {
    connectsInFlight.decrementAndGet();
  }

  /** Logs the first failure of each limit kind with the system's own words. */
  void limitHit(ErrorKind kind, Throwable cause) {
    if (kind.isLimit() && limitsReported.add(kind)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "worker " + plan.index() + ": " + kind.explanation() + " (" + cause + ")");
    }
  }

  /** Returns whether an agent fails a remote config: a stable draw per agent and config. */
  boolean fails(InstanceUid uid, ByteString configHash) {
    double fraction = options.failFraction();
    if (fraction <= 0) {
      return false;
    }
    long h = uid.leastSignificantBits() ^ uid.mostSignificantBits() ^ failSalt;
    h ^= configHash.hashCode() * 0x9E3779B97F4A7C15L;
    h = new SplittableRandom(h).nextLong();
    return (h >>> 11) * 0x1.0p-53 < fraction;
  }

  /** Starts a measured phase of the given kind. */
  void startPhase(Latency kind, long id, long startEpochMicros) {
    stats.startPhase(id, startEpochMicros);
    phase = kind;
  }

  /** Records that an agent completed the current phase, if it is of this kind. */
  void phaseCompleted(Latency kind) {
    if (phase == kind) {
      stats.phaseCompleted(kind, epochMicros());
    }
  }

  /** Storm: drops every WebSocket at once, or expects the server to drop them. */
  void storm(StormMode mode) {
    for (SimulatedAgent agent : agents) {
      if (!agent.isHttp()) {
        agent.loop().execute(mode == StormMode.DROP ? agent::drop : agent::expectReconnect);
      }
    }
  }

  /** Churn: starts changing the health of random connected agents at {@code perSecond}. */
  synchronized void startChurn(double perSecond) {
    stopChurn();
    SplittableRandom random = new SplittableRandom(options.seed() ^ plan.index());
    double[] credit = {0};
    long tickMillis = 100;
    churn =
        loops
            .get(0)
            .scheduleAtFixedRate(
                () -> {
                  credit[0] += perSecond * tickMillis / 1000.0;
                  while (credit[0] >= 1) {
                    credit[0] -= 1;
                    SimulatedAgent agent = agents[random.nextInt(agents.length)];
                    agent.loop().execute(agent::changeHealth);
                  }
                },
                tickMillis,
                tickMillis,
                TimeUnit.MILLISECONDS);
  }

  /** Churn: stops. */
  synchronized void stopChurn() {
    if (churn != null) {
      churn.cancel(false);
      churn = null;
    }
  }

  /**
   * Stops every agent (WebSocket agents say goodbye) and releases the threads, waiting at most
   * {@code grace}.
   */
  void stop(Duration grace) {
    stopping = true;
    stopChurn();
    if (ramp != null) {
      ramp.cancel(false);
    }
    for (SimulatedAgent agent : agents) {
      agent.loop().execute(agent::stop);
    }
    for (Map.Entry<EventLoop, HttpPollPool> pool : pools.entrySet()) {
      pool.getKey().execute(pool.getValue()::close);
    }
    long timeout = Math.max(0, grace.toMillis());
    group
        .shutdownGracefully(Math.min(200, timeout), timeout, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(timeout + 2_000);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  /** Returns the wall-clock time in microseconds since the epoch, comparable across processes. */
  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
