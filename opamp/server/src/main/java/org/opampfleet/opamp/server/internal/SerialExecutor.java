/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the per-connection view of
 * an application's callback executor. Holds no thread of its own.
 *
 * <p>Internal; not API; may change without notice. Thread-safe.
 */
final class SerialExecutor implements Executor {
  private final Executor delegate;
  // Guarded by this.
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(2);
  // Guarded by this.
  private boolean running;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    delegate.execute(this::drain);
  }

  private void drain() {
    while (true) {
      @Nullable Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        System.getLogger(SerialExecutor.class.getName())
            .log(System.Logger.Level.ERROR, "task failed on a connection's executor", e);
      }
    }
  }
}
