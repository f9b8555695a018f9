/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import java.time.Duration;

/**
 * When agents count as stale, disconnected or stuck.
 *
 * @param defaultInterval the heartbeat or polling interval agents are expected to keep when the
 *     server offered none (OpAMP's default is 30 seconds)
 * @param stuckAfter how long a change may stay pending or applying on a WebSocket agent before it
 *     counts as stuck
 * @param stuckPolls how many polling intervals, on top of {@code stuckAfter}, an HTTP agent gets
 * @param disconnectedAfter how long an HTTP agent may be silent before it counts as disconnected
 *     rather than stale (at least five polling intervals)
 */
public record StatusThresholds(
    Duration defaultInterval, Duration stuckAfter, int stuckPolls, Duration disconnectedAfter) {

  /** The defaults of the UI guide: 30 s interval, stuck after 2 min (+3 polls), 5 min. */
  public static final StatusThresholds DEFAULTS =
      new StatusThresholds(Duration.ofSeconds(30), Duration.ofMinutes(2), 3, Duration.ofMinutes(5));
}
