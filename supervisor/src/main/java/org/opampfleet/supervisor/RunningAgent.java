/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One run of the supervised process, as the {@link AgentController} sees it. Production runs are
 * {@link org.opampfleet.supervisor.process.CollectorProcess}es; unit tests use fakes.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe.
 */
interface RunningAgent {
  long pid();

  Instant startedAt();

  /** Completes with the exit code when the process ends. */
  CompletableFuture<Integer> exit();

  boolean isAlive();

  /** Whether the supervisor asked it to stop (its exit is then not a crash). */
  boolean isStopRequested();

  /** SIGHUP. */
  void reload() throws IOException;

  /** SIGTERM, then SIGKILL after {@code grace}; blocks until it is gone. */
  int stop(Duration grace);

  /** Starts processes. */
  @FunctionalInterface
  interface Launcher {
    RunningAgent start(List<String> command) throws IOException;
  }
}
