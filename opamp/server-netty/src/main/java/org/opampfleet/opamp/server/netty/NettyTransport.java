/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.netty.internal.AdmissionControl;
import org.opampfleet.opamp.server.netty.internal.OpampChannelInitializer;
import org.opampfleet.opamp.server.netty.internal.SslContexts;
import org.opampfleet.opamp.server.netty.internal.TransportMetrics;
import org.opampfleet.opamp.server.netty.internal.TransportSettings;

/**
 * Serves an {@link OpampServer} over WebSocket and plain HTTP on one port and path.
 *
 * <p>A request that asks to upgrade to WebSocket becomes a WebSocket agent connection; a POST with
 * {@code Content-Type: application/x-protobuf} is a plain-HTTP poll (HT-02). Native epoll is used
 * when available, NIO otherwise.
 *
 * <p><b>Thread safety:</b> thread-safe. <b>Lifecycle:</b> {@link #start()} once, then {@link
 * #stop(Duration)} (or {@link #close()}) once; a stopped transport cannot be restarted.
 */
public final class NettyTransport implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(NettyTransport.class.getName());

  private final OpampServer server;
  private final TransportSettings settings;
  private final AtomicReference<@Nullable SslContext> sslContext = new AtomicReference<>();
  private final TransportMetrics metrics;

  // Guarded by this.
  private @Nullable EventLoopGroup bossGroup;
  private @Nullable EventLoopGroup workerGroup;
  private @Nullable Channel serverChannel;
  private @Nullable ChannelGroup channels;
  private long certificatesModified;
  private boolean stopped;

  NettyTransport(OpampServer server, TransportSettings settings) {
    this.server = server;
    this.settings = settings;
    this.metrics = new TransportMetrics(settings.openTelemetry());
  }

  /** Returns a builder serving {@code server}. */
  public static NettyTransportBuilder builder(OpampServer server) {
    return new NettyTransportBuilder(server);
  }

  /**
   * Binds the listener and starts serving.
   *
   * @throws IllegalStateException if the address cannot be bound (naming it and why), or the
   *     transport was started before
   * @throws IllegalArgumentException if the TLS files cannot be read
   */
  public synchronized void start() {
    if (serverChannel != null || stopped) {
      throw new IllegalStateException("the transport was already started");
    }
    if (settings.tls() != null) {
      sslContext.set(SslContexts.forServer(settings.tls()));
      certificatesModified = certificateFilesModified();
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    bossGroup =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("opamp-accept", true), io);
    workerGroup =
        new MultiThreadIoEventLoopGroup(
            settings.ioThreads(), new DefaultThreadFactory("opamp-loop", true), io);
    channels = new DefaultChannelGroup("opamp-connections", GlobalEventExecutor.INSTANCE);
    AdmissionControl admission =
        new AdmissionControl(
            settings.maxConnections(),
            settings.acceptRatePerSecond(),
            settings.acceptBurst(),
            System::nanoTime);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(
                    settings.writeBufferLowWaterMark(), settings.writeBufferHighWaterMark()))
            .childHandler(
                new OpampChannelInitializer(
                    server.transportSupport(),
                    settings,
                    admission,
                    metrics,
                    sslContext::get,
                    channels));
    try {
      serverChannel =
          bootstrap.bind(settings.host(), settings.port()).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the checked BindException unchecked
      shutdownGroups();
      throw new IllegalStateException(
          "cannot listen for OpAMP on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    }
    if (settings.tls() != null && !settings.certificateReloadInterval().isZero()) {
      long every = settings.certificateReloadInterval().toMillis();
      workerGroup.scheduleWithFixedDelay(
          this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }
    LOG.log(
        System.Logger.Level.INFO,
        "OpAMP listening on "
            + (settings.tls() != null ? "wss/https" : "ws/http")
            + "://"
            + settings.host()
            + ":"
            + localAddress().getPort()
            + settings.path()
            + " ("
            + (epoll ? "epoll" : "nio")
            + ", "
            + settings.ioThreads()
            + " I/O threads)");
  }

  /**
   * Returns the address the listener is bound to; with port 0, the port the system chose.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized InetSocketAddress localAddress() {
    if (serverChannel == null) {
      throw new IllegalStateException("the transport is not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Reads the TLS files again; new connections use the new certificates, open ones keep theirs.
   *
   * @throws IllegalArgumentException if the files cannot be used; the previous ones stay in use
   * @throws IllegalStateException if the transport has no TLS settings
   */
  public void reloadCertificates() {
    TlsSettings tls = settings.tls();
    if (tls == null) {
      throw new IllegalStateException("the transport was built without TLS settings");
    }
    long modified = certificateFilesModified();
    sslContext.set(SslContexts.forServer(tls));
    synchronized (this) {
      certificatesModified = modified;
    }
    LOG.log(
        System.Logger.Level.INFO, "reloaded the TLS certificate from " + tls.certificateChain());
  }

  /**
   * Stops accepting connections, closes the agent connections over {@code gracePeriod} in paced
   * batches ({@link OpampServer#shutdown(Duration)}), closes what is left, and releases the
   * threads. Returns when done.
   */
  public void stop(Duration gracePeriod) {
    requireNonNull(gracePeriod, "gracePeriod");
    Channel listener;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      listener = serverChannel;
    }
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    server.shutdown(gracePeriod);
    ChannelGroup open = channels;
    if (open != null) {
      open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    shutdownGroups();
  }

  /** Stops with a grace period of zero. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  private synchronized void shutdownGroups() {
    if (workerGroup != null) {
      workerGroup
          .shutdownGracefully(0, 2, TimeUnit.SECONDS)
          .awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (bossGroup != null) {
      bossGroup
          .shutdownGracefully(0, 2, TimeUnit.SECONDS)
          .awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private void reloadIfChanged() {
    long modified = certificateFilesModified();
    boolean changed;
    synchronized (this) {
      changed = modified != certificatesModified;
    }
    if (changed) {
      try {
        reloadCertificates();
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "the TLS files changed but cannot be used; keeping the current certificate: "
                + e.getMessage());
        synchronized (this) {
          certificatesModified = modified; // do not retry until they change again
        }
      }
    }
  }

  private long certificateFilesModified() {
    TlsSettings tls = settings.tls();
    if (tls == null) {
      return 0;
    }
    long sum = modified(tls.certificateChain()) * 31 + modified(tls.privateKey());
    return tls.clientCaFile().map(ca -> sum * 31 + modified(ca)).orElse(sum);
  }

  private static long modified(Path path) {
    try {
      return Files.getLastModifiedTime(path).toMillis();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
