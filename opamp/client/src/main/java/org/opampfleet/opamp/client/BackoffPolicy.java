/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long a client waits before trying again after a failure.
 *
 * <p>After the {@code n}-th consecutive failed attempt (counting from 0) the client waits a random
 * time drawn uniformly from {@code [initialDelay / 2, min(maxDelay, initialDelay × 2ⁿ)]}:
 * exponential backoff with full jitter above a floor of half the initial delay, so that a fleet of
 * agents spreads its retries and no single agent retries in a busy loop (ER-08).
 *
 * <p>When an established connection is lost, the first reconnect waits a random time in {@code [0,
 * reconnectJitter]} instead, so that a fleet that loses its server at the same moment does not
 * reconnect at the same moment (WS-13); further failures use the exponential delays.
 *
 * <p>When the server throttles the client (HTTP 429 or 503, or a {@code ServerErrorResponse} of
 * type {@code UNAVAILABLE}) the client waits what the server asked ({@code Retry-After}, {@code
 * retry_info}) or, if it gave no time, the exponential delay; in both cases at least {@code
 * minThrottledDelay} (ER-07 recommends 30 seconds) and at most one hour.
 *
 * <p><b>Thread safety:</b> immutable and thread-safe.
 *
 * @param initialDelay the upper bound of the first delay; positive
 * @param maxDelay the cap on the exponential delay; at least {@code initialDelay}
 * @param reconnectJitter the upper bound of the random delay before the first reconnect after a
 *     lost connection; zero or positive
 * @param minThrottledDelay the shortest wait after the server throttled the client; zero or
 *     positive
 */
public record BackoffPolicy(
    Duration initialDelay,
    Duration maxDelay,
    Duration reconnectJitter,
    Duration minThrottledDelay) {

  private static final BackoffPolicy DEFAULTS =
      new BackoffPolicy(
          Duration.ofSeconds(1),
          Duration.ofMinutes(2),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30));

  /** Validates the durations. */
  public BackoffPolicy {
    requireNonNull(initialDelay, "initialDelay");
    requireNonNull(maxDelay, "maxDelay");
    requireNonNull(reconnectJitter, "reconnectJitter");
    requireNonNull(minThrottledDelay, "minThrottledDelay");
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay: " + initialDelay + " (expected: > 0)");
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay: " + maxDelay + " (expected: >= initialDelay " + initialDelay + ")");
    }
    if (reconnectJitter.isNegative()) {
      throw new IllegalArgumentException(
          "reconnectJitter: " + reconnectJitter + " (expected: >= 0)");
    }
    if (minThrottledDelay.isNegative()) {
      throw new IllegalArgumentException(
          "minThrottledDelay: " + minThrottledDelay + " (expected: >= 0)");
    }
  }

  /**
   * Returns the default policy: first delay up to 1 second, doubling up to 2 minutes, a reconnect
   * jitter of 5 seconds and at least 30 seconds after throttling.
   */
  public static BackoffPolicy defaults() {
    return DEFAULTS;
  }
}
