/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.client.BackoffPolicy;

class BackoffTest {

  private static final BackoffPolicy POLICY =
      new BackoffPolicy(
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30));

  @Test
  void drawsEachDelayFromAFullJitterRangeThatDoublesUpToTheCap() {
    // ER-08
    for (long seed = 0; seed < 200; seed++) {
      Backoff backoff = new Backoff(POLICY, new SplittableRandom(seed));
      for (int n = 0; n < 12; n++) {
        Duration delay = backoff.nextDelay();
        long upper = Math.min(60_000, 1000L << n);
        assertThat(delay.toMillis()).as("seed %d, failure %d", seed, n).isBetween(500L, upper);
      }
    }
  }

  @Test
  void spreadsDelaysAcrossTheRangeRatherThanUsingItsEdge() {
    // Full jitter: a fleet must not retry in lockstep.
    Backoff backoff = new Backoff(POLICY, new SplittableRandom(7));
    for (int n = 0; n < 6; n++) {
      backoff.nextDelay();
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    for (long seed = 0; seed < 100; seed++) {
      Backoff fresh = new Backoff(POLICY, new SplittableRandom(seed));
      Duration delay = Duration.ZERO;
      for (int n = 0; n < 7; n++) {
        delay = fresh.nextDelay();
      }
      min = Math.min(min, delay.toMillis());
      max = Math.max(max, delay.toMillis());
    }
    assertThat(max - min).isGreaterThan(30_000);
  }

  @Test
  void startsOverAfterAReset() {
    Backoff backoff = new Backoff(POLICY, new SplittableRandom(1));
    for (int n = 0; n < 10; n++) {
      backoff.nextDelay();
    }
    backoff.reset();

    assertThat(backoff.failures()).isZero();
    assertThat(backoff.nextDelay()).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void reconnectsAfterALostConnectionWithinTheJitterAndForgetsFailures() {
    // WS-13
    Backoff backoff = new Backoff(POLICY, new SplittableRandom(3));
    backoff.nextDelay();
    backoff.nextDelay();

    Duration delay = backoff.reconnectDelay();

    assertThat(delay).isBetween(Duration.ZERO, Duration.ofSeconds(5));
    assertThat(backoff.failures()).isZero();
  }

  @Test
  void waitsAtLeastTheThrottlingMinimumAndAtMostAnHour() {
    // ER-07
    Backoff backoff = new Backoff(POLICY, new SplittableRandom(3));

    assertThat(backoff.throttledDelay(Optional.of(Duration.ofSeconds(2))))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.throttledDelay(Optional.of(Duration.ofSeconds(90))))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(backoff.throttledDelay(Optional.of(Duration.ofDays(3))))
        .isEqualTo(Duration.ofHours(1));
    assertThat(backoff.throttledDelay(Optional.empty())).isEqualTo(Duration.ofSeconds(30));
  }
}
