/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.process;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.opampfleet.supervisor.config.SupervisorConfig;

/**
 * When to restart a collector that exited on its own: exponential backoff with jitter, started over
 * after a run that lasted at least {@code reset_after}, and a crash loop declared after {@code
 * crash_loop_threshold} quick exits in a row (compat reference 6.1, BETTER: the Go supervisor
 * restarts every 5 seconds forever).
 *
 * <p>After the n-th quick exit in a row the nominal delay is {@code min(max_delay, initial_delay ×
 * 2ⁿ⁻¹)} and the actual delay is drawn from {@code [nominal/2, nominal]}, so that a fleet whose
 * collectors crash together does not restart in step.
 *
 * <p><b>Thread safety:</b> not thread-safe; owned by the supervisor's loop.
 */
public final class RestartPolicy {
  private final SupervisorConfig.Restart settings;
  private final RandomGenerator random;
  private int consecutiveFailures;

  /** Creates a policy; {@code random} draws the jitter. */
  public RestartPolicy(SupervisorConfig.Restart settings, RandomGenerator random) {
    this.settings = settings;
    this.random = random;
  }

  /**
   * Records an exit the supervisor did not ask for and decides the restart.
   *
   * @param uptime how long the process ran
   */
  public Decision onUnexpectedExit(Duration uptime) {
    if (uptime.compareTo(settings.resetAfter()) >= 0) {
      consecutiveFailures = 0;
    }
    consecutiveFailures++;
    Duration nominal = nominalDelay(consecutiveFailures);
    long nominalNanos = nominal.toNanos();
    long half = nominalNanos / 2;
    long delay = half + (half > 0 ? random.nextLong(nominalNanos - half + 1) : 0);
    return new Decision(
        Duration.ofNanos(delay),
        nominal,
        consecutiveFailures,
        consecutiveFailures >= settings.crashLoopThreshold());
  }

  /** Starts over: called after a new configuration or an explicit restart. */
  public void reset() {
    consecutiveFailures = 0;
  }

  /** Returns how many quick exits happened in a row. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  private Duration nominalDelay(int failures) {
    Duration delay = settings.initialDelay();
    for (int i = 1; i < failures; i++) {
      delay = delay.multipliedBy(2);
      if (delay.compareTo(settings.maxDelay()) >= 0) {
        return settings.maxDelay();
      }
    }
    return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
  }

  /**
   * A restart decision.
   *
   * @param delay how long to wait, with jitter
   * @param nominalDelay the delay before jitter
   * @param attempt how many quick exits happened in a row, this one included
   * @param crashLoop whether that makes a crash loop
   */
  public record Decision(Duration delay, Duration nominalDelay, int attempt, boolean crashLoop) {}
}
