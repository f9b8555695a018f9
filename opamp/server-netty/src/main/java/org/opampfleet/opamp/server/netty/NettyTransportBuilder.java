/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.netty.internal.TransportSettings;

/**
 * Builds a {@link NettyTransport}. Every setting has a default suited to a large fleet.
 *
 * <p><b>Thread safety:</b> not thread-safe; build on one thread.
 */
public final class NettyTransportBuilder {
  /** The OpAMP default port (spec v0.17). */
  public static final int DEFAULT_PORT = 4320;

  /** The OpAMP default path. */
  public static final String DEFAULT_PATH = "/v1/opamp";

  private final OpampServer server;
  private String host = "0.0.0.0";
  private int port = DEFAULT_PORT;
  private String path = DEFAULT_PATH;
  private int ioThreads = Runtime.getRuntime().availableProcessors();
  private @Nullable TlsSettings tls;
  private Duration certificateReloadInterval = Duration.ZERO;
  private MessageLimits messageLimits = MessageLimits.defaults();
  private int maxConnections = 100_000;
  private double acceptRatePerSecond = 2_000;
  private int acceptBurst = 20_000;
  private Duration retryAfter = Duration.ofSeconds(30);
  private Duration handshakeTimeout = Duration.ofSeconds(10);
  private Duration keepAliveTimeout = Duration.ofSeconds(90);
  private boolean webSocketCompression;
  private int writeBufferLowWaterMark = 32 * 1024;
  private int writeBufferHighWaterMark = 64 * 1024;
  private OpenTelemetry openTelemetry = OpenTelemetry.noop();

  NettyTransportBuilder(OpampServer server) {
    this.server = requireNonNull(server, "server");
  }

  /** Sets the address to listen on. Default: {@code 0.0.0.0} (every interface). */
  public NettyTransportBuilder host(String host) {
    this.host = requireNonNull(host, "host");
    return this;
  }

  /** Sets the port; 0 picks a free one ({@link NettyTransport#localAddress()} tells which). */
  public NettyTransportBuilder port(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
    }
    this.port = port;
    return this;
  }

  /** Sets the path both transports are served on. Default: {@value #DEFAULT_PATH}. */
  public NettyTransportBuilder path(String path) {
    requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: " + path + " (expected: starts with /)");
    }
    this.path = path;
    return this;
  }

  /** Sets the number of event-loop threads. Default: the number of processors. */
  public NettyTransportBuilder ioThreads(int ioThreads) {
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
    }
    this.ioThreads = ioThreads;
    return this;
  }

  /** Serves TLS (wss and https) with these PEM files. Default: plain TCP. */
  public NettyTransportBuilder tls(TlsSettings tls) {
    this.tls = requireNonNull(tls, "tls");
    return this;
  }

  /**
   * Checks the TLS files this often and reloads them when they change, so renewed certificates
   * apply to new connections without a restart. Default: {@link Duration#ZERO}, never (call {@link
   * NettyTransport#reloadCertificates()} instead).
   */
  public NettyTransportBuilder certificateReloadInterval(Duration interval) {
    this.certificateReloadInterval = requireNonNull(interval, "interval");
    return this;
  }

  /** Sets the largest message accepted, after decompression. Default: 4 MiB. */
  public NettyTransportBuilder messageLimits(MessageLimits messageLimits) {
    this.messageLimits = requireNonNull(messageLimits, "messageLimits");
    return this;
  }

  /**
   * Sets how many connections may be open at once; more are answered with 503 and {@code
   * Retry-After}. Default: 100,000.
   */
  public NettyTransportBuilder maxConnections(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    this.maxConnections = maxConnections;
    return this;
  }

  /**
   * Limits how fast new connections are admitted, so a reconnect storm is spread out instead of
   * overwhelming the server: over the rate, plain-HTTP requests get 503 with {@code Retry-After}
   * and WebSocket agents a {@code ServerErrorResponse} UNAVAILABLE with {@code retry_info} (ER-04,
   * ER-06). Default: 2,000 per second with bursts of 20,000.
   *
   * <p>The burst is sized for a restart of this server: every agent it held comes back within
   * seconds, and admitting them costs less than sending them away, since a rejected agent waits the
   * {@link #retryAfter} (30 s) and returns into the next burst. Measured with 19,000 WebSocket
   * agents (docs/benchmarks.md): all back in 12.2 s with no rejection and a lower memory peak,
   * against 42.2 s and 6,841 rejections with a burst of 4,000.
   */
  public NettyTransportBuilder acceptRate(double perSecond, int burst) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "acceptRate: " + perSecond + "/s, burst " + burst + " (expected: > 0 and >= 1)");
    }
    this.acceptRatePerSecond = perSecond;
    this.acceptBurst = burst;
    return this;
  }

  /** Sets the delay an overloaded server asks agents to wait. Default: 30 seconds (ER-07). */
  public NettyTransportBuilder retryAfter(Duration retryAfter) {
    requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: > 0)");
    }
    this.retryAfter = retryAfter;
    return this;
  }

  /**
   * Sets how long a client may take to send a whole request, or after a WebSocket upgrade its first
   * message, before it is disconnected (slow-client protection). Default: 10 seconds.
   */
  public NettyTransportBuilder handshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = positive("handshakeTimeout", handshakeTimeout);
    return this;
  }

  /**
   * Sets how long an idle plain-HTTP keep-alive connection stays open between polls. Default: 90
   * seconds, above the default 30-second polling interval.
   */
  public NettyTransportBuilder keepAliveTimeout(Duration keepAliveTimeout) {
    this.keepAliveTimeout = positive("keepAliveTimeout", keepAliveTimeout);
    return this;
  }

  /**
   * Offers permessage-deflate to WebSocket agents. Off by default: it costs about 300 KB of memory
   * per connection, which does not fit a fleet of 100,000.
   */
  public NettyTransportBuilder enableWebSocketCompression() {
    this.webSocketCompression = true;
    return this;
  }

  /**
   * Sets the write-buffer water marks: above {@code high} bytes queued a connection stops taking
   * pushes (they wait in the agent's one-message outbox) until it drains below {@code low}.
   * Default: 32 KiB and 64 KiB.
   */
  public NettyTransportBuilder writeBufferWaterMarks(int low, int high) {
    if (low < 1 || high < low) {
      throw new IllegalArgumentException(
          "writeBufferWaterMarks: " + low + ", " + high + " (expected: 1 <= low <= high)");
    }
    this.writeBufferLowWaterMark = low;
    this.writeBufferHighWaterMark = high;
    return this;
  }

  /** Sets where the transport's metrics go. Default: nowhere. */
  public NettyTransportBuilder openTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  /** Builds the transport; {@link NettyTransport#start()} binds it. */
  public NettyTransport build() {
    return new NettyTransport(
        server,
        new TransportSettings(
            host,
            port,
            path,
            ioThreads,
            tls,
            certificateReloadInterval,
            messageLimits,
            maxConnections,
            acceptRatePerSecond,
            acceptBurst,
            retryAfter,
            handshakeTimeout,
            keepAliveTimeout,
            webSocketCompression,
            writeBufferLowWaterMark,
            writeBufferHighWaterMark,
            openTelemetry));
  }

  private static Duration positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }
}
