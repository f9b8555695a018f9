/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What a worker tells the coordinator, one JSON line on the worker's standard output, prefixed with
 * {@link #LINE_PREFIX}.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param type what happened
 * @param worker the worker's index
 * @param stats its statistics, for {@link Type#STATS} and {@link Type#FINAL}
 * @param message what went wrong, for {@link Type#FAILED}; the transport, for {@link Type#READY}
 * @param id the acknowledged phase id, for {@link Type#ACK}
 */
record WorkerEvent(
    Type type, int worker, @Nullable StatsSnapshot stats, @Nullable String message, long id) {

  /** Marks the worker's protocol lines among anything else it might print. */
  static final String LINE_PREFIX = "@loadgen ";

  /** The events. */
  enum Type {
    /** The worker built its agents and started connecting them. */
    READY,
    /** Periodic statistics. */
    STATS,
    /** A phase command took effect. */
    ACK,
    /** The last statistics; the worker exits next. */
    FINAL,
    /** The worker cannot run; it exits next. */
    FAILED
  }

  /** Validates. */
  WorkerEvent {
    requireNonNull(type, "type");
  }
}
