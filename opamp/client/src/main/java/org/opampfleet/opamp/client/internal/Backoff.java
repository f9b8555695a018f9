/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.opampfleet.opamp.client.BackoffPolicy;

/**
 * The delays between a client's attempts, as {@link BackoffPolicy} describes: exponential with full
 * jitter above a floor (ER-08), a random short delay before the first reconnect after a lost
 * connection (WS-13), and server-requested delays with a floor when throttled (ER-07).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> not thread-safe; confined to the client's protocol lane.
 */
public final class Backoff {

  /** The longest wait a server can impose with {@code Retry-After} or {@code retry_info}. */
  public static final Duration MAX_SERVER_DELAY = Duration.ofHours(1);

  private final BackoffPolicy policy;
  private final RandomGenerator random;
  private int failures;

  /** Creates a backoff with no failures yet. */
  public Backoff(BackoffPolicy policy, RandomGenerator random) {
    this.policy = requireNonNull(policy, "policy");
    this.random = requireNonNull(random, "random");
  }

  /** Forgets earlier failures: the next failure waits as if it were the first. */
  public void reset() {
    failures = 0;
  }

  /** Returns how many failures in a row were counted since the last reset. */
  public int failures() {
    return failures;
  }

  /**
   * Counts a failure and returns the delay before the next attempt: uniform in {@code [initialDelay
   * / 2, min(maxDelay, initialDelay × 2ⁿ)]}.
   */
  public Duration nextDelay() {
    long initial = policy.initialDelay().toNanos();
    long cap = policy.maxDelay().toNanos();
    int shift = Math.min(failures, 40);
    long upper = initial > (cap >> shift) ? cap : Math.min(cap, initial << shift);
    long floor = initial / 2;
    failures++;
    if (upper <= floor) {
      return Duration.ofNanos(floor);
    }
    return Duration.ofNanos(floor + random.nextLong(upper - floor + 1));
  }

  /**
   * Returns the delay before the first reconnect after an established connection was lost: uniform
   * in {@code [0, reconnectJitter]}. Resets the failure count, since the connection worked.
   */
  public Duration reconnectDelay() {
    failures = 0;
    long jitter = policy.reconnectJitter().toNanos();
    return jitter == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(jitter + 1));
  }

  /**
   * Counts a failure after the server throttled the client and returns the delay: what the server
   * asked for, or the exponential delay when it did not say, but at least {@code minThrottledDelay}
   * (ER-07) and at most {@link #MAX_SERVER_DELAY}.
   */
  public Duration throttledDelay(Optional<Duration> serverDelay) {
    Duration exponential = nextDelay();
    Duration delay = serverDelay.orElse(exponential);
    if (delay.compareTo(policy.minThrottledDelay()) < 0) {
      delay = policy.minThrottledDelay();
    }
    return delay.compareTo(MAX_SERVER_DELAY) > 0 ? MAX_SERVER_DELAY : delay;
  }
}
