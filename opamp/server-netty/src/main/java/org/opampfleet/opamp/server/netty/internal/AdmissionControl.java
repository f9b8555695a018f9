/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Limits on new connections: how many may be open at once, and how fast new ones are admitted (a
 * token bucket), so a reconnect storm is spread over time instead of overwhelming the server.
 *
 * <p>Internal; not API; may change without notice. Thread-safe.
 */
public final class AdmissionControl {
  private final int maxConnections;
  private final double tokensPerNano;
  private final int burst;
  private final LongSupplier nanoTime;
  private final AtomicInteger open = new AtomicInteger();

  // Guarded by this.
  private double tokens;
  private long lastRefill;

  /**
   * Creates the limits.
   *
   * @param nanoTime the monotonic time source, {@code System::nanoTime} outside tests
   */
  public AdmissionControl(int maxConnections, double perSecond, int burst, LongSupplier nanoTime) {
    this.maxConnections = maxConnections;
    this.tokensPerNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.lastRefill = nanoTime.getAsLong();
  }

  /** Records a new connection; returns whether it is within the connection limit. */
  public boolean connectionOpened() {
    return open.incrementAndGet() <= maxConnections;
  }

  /** Records that a connection closed. */
  public void connectionClosed() {
    open.decrementAndGet();
  }

  /** Returns the number of open connections. */
  public int openConnections() {
    return open.get();
  }

  /** Takes one admission from the rate limit; returns false when over the rate. */
  public synchronized boolean tryAdmit() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - lastRefill) * tokensPerNano);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
