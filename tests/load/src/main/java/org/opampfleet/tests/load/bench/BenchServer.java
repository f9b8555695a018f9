/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.netty.NettyTransport;

/**
 * Our OpAMP server library as a process to measure: {@link OpampServer} on {@link NettyTransport}
 * with the minimal {@link BenchApplication}, plus the {@link AdminEndpoint}.
 *
 * <p><b>Thread safety:</b> thread-safe. <b>Lifecycle:</b> {@link #start()} once, {@link #close()}
 * once.
 */
public final class BenchServer implements BenchTarget, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BenchServer.class.getName());

  private final ServeSettings settings;
  private final BenchApplication application;
  private final java.util.concurrent.ScheduledExecutorService restarts =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread t = new Thread(task, "bench-restart");
            t.setDaemon(true);
            return t;
          });
  // Guarded by this.
  private @Nullable OpampServer server;
  private @Nullable NettyTransport transport;
  private @Nullable AdminEndpoint admin;
  private int port;
  private boolean closed;

  /** Creates the server; {@link #start()} binds it. */
  public BenchServer(ServeSettings settings) {
    this.settings = requireNonNull(settings, "settings");
    this.application = new BenchApplication(settings.registry());
  }

  /**
   * Binds the OpAMP listener and the admin endpoint.
   *
   * @throws IOException if the admin port cannot be bound
   * @throws IllegalStateException if the OpAMP port cannot be bound
   */
  public synchronized void start() throws IOException {
    port = settings.port();
    startOpamp();
    port = requireNonNull(transport).localAddress().getPort();
    AdminEndpoint endpoint =
        new AdminEndpoint(settings.host(), settings.adminPort(), this, settings.configBytes());
    endpoint.start();
    admin = endpoint;
  }

  /** Returns the OpAMP listener's address. */
  public synchronized InetSocketAddress opampAddress() {
    return requireNonNull(transport, "not started").localAddress();
  }

  /** Returns the admin endpoint's address. */
  public synchronized InetSocketAddress adminAddress() {
    return requireNonNull(admin, "not started").address();
  }

  private void startOpamp() {
    OpampServer s =
        OpampServer.builder()
            .callbacks(application)
            .capabilities(
                EnumSet.of(
                    ServerCapability.ACCEPTS_STATUS,
                    ServerCapability.OFFERS_REMOTE_CONFIG,
                    ServerCapability.ACCEPTS_EFFECTIVE_CONFIG))
            .idleTimeout(settings.idleTimeout())
            .build();
    NettyTransport t =
        NettyTransport.builder(s)
            .host(settings.host())
            .port(port)
            .ioThreads(settings.ioThreads())
            .maxConnections(settings.maxConnections())
            .acceptRate(settings.acceptRate(), settings.acceptBurst())
            .retryAfter(settings.retryAfter())
            .build();
    t.start();
    application.attach(s);
    server = s;
    transport = t;
  }

  @Override
  public void appendMetrics(StringBuilder out) {
    application.appendMetrics(out);
  }

  @Override
  public String rollout(int configBytes) {
    return application.rollout(configBytes);
  }

  @Override
  public synchronized String restart(Duration downtime) {
    NettyTransport t = transport;
    if (t == null || closed) {
      throw new UnsupportedOperationException("the server is not running");
    }
    transport = null;
    server = null;
    long started = System.nanoTime();
    restarts.execute(
        () -> {
          t.stop(Duration.ZERO);
          restarts.schedule(
              () -> {
                synchronized (this) {
                  if (!closed) {
                    startOpamp();
                    LOG.log(
                        System.Logger.Level.INFO,
                        String.format(
                            Locale.ROOT,
                            "restarted the OpAMP listener after %.1f s",
                            (System.nanoTime() - started) / 1e9));
                  }
                }
              },
              downtime.toMillis(),
              TimeUnit.MILLISECONDS);
        });
    return "{\"restarting\":true,\"downtime_ms\":" + downtime.toMillis() + "}";
  }

  @Override
  public synchronized void close() {
    closed = true;
    restarts.shutdownNow();
    if (admin != null) {
      admin.close();
    }
    if (transport != null) {
      transport.stop(Duration.ofSeconds(2));
    }
  }
}
