/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.opampfleet.opamp.client.Compression;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MessageLimits;

/**
 * Creates the channels that use the JDK's {@code java.net.http}: {@link WebSocketChannel} for
 * {@code ws}/{@code wss} targets and {@link HttpPollingChannel} for {@code http}/{@code https}.
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 */
public final class JdkChannels implements Channel.Factory {

  /** The header carrying the instance UID as canonical UUID text (HT-06). */
  public static final String INSTANCE_UID_HEADER = "OpAMP-Instance-UID";

  private final Map<String, String> staticHeaders;
  private final Supplier<Map<String, String>> headerSupplier;
  private final Supplier<InstanceUid> instanceUid;
  private final MessageLimits limits;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Compression compression;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;

  /** Creates a factory from the client's settings. */
  public JdkChannels(
      ClientConfig config, Supplier<InstanceUid> instanceUid, ScheduledExecutorService scheduler) {
    this.staticHeaders = config.headers();
    this.headerSupplier = config.headerSupplier();
    this.instanceUid = requireNonNull(instanceUid, "instanceUid");
    this.limits = config.messageLimits();
    this.connectTimeout = config.connectTimeout();
    this.requestTimeout = config.requestTimeout();
    this.compression = config.requestCompression();
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.clock = config.clock();
  }

  @Override
  public Channel create(ConnectionTarget target, Channel.Listener listener) {
    return target.transport() == Transport.WEBSOCKET
        ? new WebSocketChannel(this, target, listener)
        : new HttpPollingChannel(this, target);
  }

  /**
   * Returns the headers for one request or handshake: static headers, then the supplier's, then the
   * server-offered ones, each overriding the previous ones of the same name (case-insensitive),
   * then the instance UID.
   */
  Map<String, String> headersFor(ConnectionTarget target) {
    Map<String, String> byLowerName = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    putAll(byLowerName, names, staticHeaders);
    if (headerSupplier != null) {
      Map<String, String> supplied = headerSupplier.get();
      if (supplied != null) {
        putAll(byLowerName, names, supplied);
      }
    }
    putAll(byLowerName, names, target.offeredHeaders());
    Map<String, String> result = new LinkedHashMap<>();
    byLowerName.forEach((lower, value) -> result.put(names.get(lower), value));
    result.put(INSTANCE_UID_HEADER, instanceUid.get().toString());
    return result;
  }

  private static void putAll(
      Map<String, String> byLowerName, Map<String, String> names, Map<String, String> headers) {
    headers.forEach(
        (name, value) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          byLowerName.put(lower, value);
          names.put(lower, name);
        });
  }

  MessageLimits limits() {
    return limits;
  }

  Duration connectTimeout() {
    return connectTimeout;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  Compression compression() {
    return compression;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  Clock clock() {
    return clock;
  }
}
