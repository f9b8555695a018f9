/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opampfleet.supervisor.config.SupervisorConfig;

/** Exponential backoff with jitter and crash-loop detection (compat reference 6.1, BETTER). */
class RestartPolicyTest {
  private static final SupervisorConfig.Restart SETTINGS =
      new SupervisorConfig.Restart(
          Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1), 3);

  @Test
  void doublesTheNominalDelayUpToTheCap() {
    RestartPolicy policy = new RestartPolicy(SETTINGS, new SplittableRandom(1));
    long[] expected = {1, 2, 4, 8, 10, 10};
    for (long seconds : expected) {
      RestartPolicy.Decision d = policy.onUnexpectedExit(Duration.ofSeconds(2));
      assertThat(d.nominalDelay()).isEqualTo(Duration.ofSeconds(seconds));
      assertThat(d.delay())
          .isBetween(Duration.ofSeconds(seconds).dividedBy(2), Duration.ofSeconds(seconds));
    }
  }

  @Test
  void jitterSpreadsTheDelays() {
    RestartPolicy a = new RestartPolicy(SETTINGS, new SplittableRandom(1));
    RestartPolicy b = new RestartPolicy(SETTINGS, new SplittableRandom(2));
    assertThat(a.onUnexpectedExit(Duration.ZERO).delay())
        .isNotEqualTo(b.onUnexpectedExit(Duration.ZERO).delay());
  }

  @Test
  void declaresACrashLoopAtTheThreshold() {
    RestartPolicy policy = new RestartPolicy(SETTINGS, new SplittableRandom(1));
    assertThat(policy.onUnexpectedExit(Duration.ZERO).crashLoop()).isFalse();
    assertThat(policy.onUnexpectedExit(Duration.ZERO).crashLoop()).isFalse();
    RestartPolicy.Decision third = policy.onUnexpectedExit(Duration.ZERO);
    assertThat(third.crashLoop()).isTrue();
    assertThat(third.attempt()).isEqualTo(3);
  }

  @Test
  void aLongRunStartsTheBackoffOver() {
    RestartPolicy policy = new RestartPolicy(SETTINGS, new SplittableRandom(1));
    policy.onUnexpectedExit(Duration.ZERO);
    policy.onUnexpectedExit(Duration.ZERO);
    RestartPolicy.Decision afterLongRun = policy.onUnexpectedExit(Duration.ofMinutes(5));
    assertThat(afterLongRun.attempt()).isEqualTo(1);
    assertThat(afterLongRun.nominalDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(afterLongRun.crashLoop()).isFalse();
  }

  @Test
  void resetForgetsTheFailures() {
    RestartPolicy policy = new RestartPolicy(SETTINGS, new SplittableRandom(1));
    policy.onUnexpectedExit(Duration.ZERO);
    policy.onUnexpectedExit(Duration.ZERO);
    policy.reset();
    assertThat(policy.consecutiveFailures()).isZero();
    assertThat(policy.onUnexpectedExit(Duration.ZERO).nominalDelay())
        .isEqualTo(Duration.ofSeconds(1));
  }
}
