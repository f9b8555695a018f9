/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

/**
 * What the coordinator tells a worker, one JSON line on the worker's standard input.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param type what to do
 * @param id the phase id, for {@link Type#START_ROLLOUT_PHASE} and {@link Type#START_STORM_PHASE}
 * @param epochMicros when the phase started, wall clock, for the same two
 * @param stormMode how to storm, for {@link Type#STORM}
 * @param rate changes per second, for {@link Type#START_CHURN}
 */
record WorkerCommand(Type type, long id, long epochMicros, StormMode stormMode, double rate) {

  /** The commands. */
  enum Type {
    /** Time APPLIED/FAILED reports from now; answered with an ACK event. */
    START_ROLLOUT_PHASE,
    /** Time reconnections from now; answered with an ACK event. */
    START_STORM_PHASE,
    /** Break the WebSocket connections as {@code stormMode} says. */
    STORM,
    /** Start changing health at {@code rate} per second. */
    START_CHURN,
    /** Stop changing health. */
    STOP_CHURN,
    /** Stop every agent, send the FINAL event and exit. */
    STOP
  }

  /** Validates. */
  WorkerCommand {
    requireNonNull(type, "type");
    requireNonNull(stormMode, "stormMode");
  }

  /** Returns a command without arguments. */
  static WorkerCommand of(Type type) {
    return new WorkerCommand(type, 0, 0, StormMode.DROP, 0);
  }
}
