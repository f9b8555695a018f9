/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import java.time.Duration;

/**
 * What the admin endpoint can ask of a server under measurement.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe.
 */
interface BenchTarget {

  /** Appends the server's own metrics (connected agents, messages, rollouts) in Prometheus text. */
  void appendMetrics(StringBuilder out);

  /**
   * Pushes a new remote config of about {@code configBytes} to every connected agent; returns a
   * short JSON description of what was pushed.
   */
  String rollout(int configBytes);

  /**
   * Restarts the OpAMP listener: every connection is closed, and the listener comes back on the
   * same port after {@code downtime}; returns a short JSON description.
   *
   * @throws UnsupportedOperationException if this server cannot restart
   */
  String restart(Duration downtime);
}
