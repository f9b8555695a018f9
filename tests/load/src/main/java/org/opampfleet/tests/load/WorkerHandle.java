/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.time.Duration;

/**
 * The coordinator's end of one worker, in its own process or in the coordinator's. Events come back
 * through the sink given when the handle was made.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
interface WorkerHandle extends AutoCloseable {

  /** Starts the worker. */
  void start();

  /** Sends a command. */
  void send(WorkerCommand command);

  /** Waits up to {@code timeout} for the worker to end after STOP; returns whether it did. */
  boolean awaitEnd(Duration timeout);

  /** Ends the worker now, if it still runs. */
  @Override
  void close();
}
