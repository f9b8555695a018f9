/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.InstanceUidGenerator;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.server.internal.DefaultOpampServer;

/**
 * Builds an {@link OpampServer}. Only {@link #callbacks} is required.
 *
 * <p><b>Thread safety:</b> not thread-safe; build on one thread.
 */
public final class OpampServerBuilder {
  /**
   * The default idle timeout: 2.5 times OpAMP's default 30-second heartbeat and polling interval.
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);

  private @Nullable ServerCallbacks callbacks;
  private EnumSet<ServerCapability> capabilities = EnumSet.of(ServerCapability.ACCEPTS_STATUS);
  private @Nullable Executor callbackExecutor;
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private Clock clock = Clock.systemUTC();
  private MessageLimits messageLimits = MessageLimits.defaults();
  private InstanceUidGenerator instanceUidGenerator = InstanceUidGenerator.system();
  private OpenTelemetry openTelemetry = OpenTelemetry.noop();
  private @Nullable ScheduledExecutorService scheduler;
  private boolean assignRequestedInstanceUids = true;

  OpampServerBuilder() {}

  /** Sets what admits connections and supplies their callbacks. Required. */
  public OpampServerBuilder callbacks(ServerCallbacks callbacks) {
    this.callbacks = requireNonNull(callbacks, "callbacks");
    return this;
  }

  /**
   * Sets the capabilities the server announces (GEN-04). {@link ServerCapability#ACCEPTS_STATUS} is
   * always included. Default: only that one.
   */
  public OpampServerBuilder capabilities(Set<ServerCapability> capabilities) {
    EnumSet<ServerCapability> copy = EnumSet.of(ServerCapability.ACCEPTS_STATUS);
    copy.addAll(requireNonNull(capabilities, "capabilities"));
    this.capabilities = copy;
    return this;
  }

  /**
   * Runs connection callbacks on this executor instead of the transport's event loops, one
   * connection at a time in order, so callbacks may block (e.g. on a database) without stalling
   * other agents. Default: callbacks run on the event loop and must not block.
   */
  public OpampServerBuilder callbackExecutor(Executor callbackExecutor) {
    this.callbackExecutor = requireNonNull(callbackExecutor, "callbackExecutor");
    return this;
  }

  /**
   * Sets how long an agent may stay silent before its connection is closed with {@link
   * CloseReason#IDLE_TIMEOUT}: a WebSocket is closed, a plain-HTTP session is forgotten (HB-11,
   * DC-05). Keep it above the agents' heartbeat and polling interval. Default: 75 seconds.
   */
  public OpampServerBuilder idleTimeout(Duration idleTimeout) {
    requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: >= 1s)");
    }
    this.idleTimeout = idleTimeout;
    return this;
  }

  /** Sets the size limit for messages in both directions. Default: 4 MiB. */
  public OpampServerBuilder messageLimits(MessageLimits messageLimits) {
    this.messageLimits = requireNonNull(messageLimits, "messageLimits");
    return this;
  }

  /** Sets where new instance UIDs come from (UID-05, UID-06). Default: system UUIDv7. */
  public OpampServerBuilder instanceUidGenerator(InstanceUidGenerator instanceUidGenerator) {
    this.instanceUidGenerator = requireNonNull(instanceUidGenerator, "instanceUidGenerator");
    return this;
  }

  /**
   * Leaves {@code RequestInstanceUid} (UID-04) to the application: the server does not assign a UID
   * by itself; the application answers with {@link AgentConnection#assignInstanceUid}. Default: the
   * server assigns one from the {@linkplain #instanceUidGenerator generator} (UID-05).
   */
  public OpampServerBuilder leaveInstanceUidRequestsToApplication() {
    this.assignRequestedInstanceUids = false;
    return this;
  }

  /** Sets the clock for idle timeouts. Default: the system clock. */
  public OpampServerBuilder clock(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
    return this;
  }

  /** Sets where the server's metrics go. Default: nowhere ({@link OpenTelemetry#noop()}). */
  public OpampServerBuilder openTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  /**
   * Sets the scheduler for the idle sweep. Default: one daemon thread of the server's own, named
   * {@code opamp-server-timer}.
   */
  public OpampServerBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Builds the server.
   *
   * @throws IllegalStateException if {@link #callbacks} was not set
   */
  public OpampServer build() {
    if (callbacks == null) {
      throw new IllegalStateException(
          "callbacks: not set (expected: OpampServer.builder().callbacks(...))");
    }
    return new DefaultOpampServer(
        callbacks,
        ServerCapability.BITMASK.toMask(capabilities),
        callbackExecutor,
        idleTimeout,
        clock,
        messageLimits,
        instanceUidGenerator,
        openTelemetry,
        scheduler,
        assignRequestedInstanceUids);
  }
}
