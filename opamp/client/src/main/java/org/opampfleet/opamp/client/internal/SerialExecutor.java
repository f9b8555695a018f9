/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static java.util.Objects.requireNonNull;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor that may be shared and
 * multi-threaded: a lane. Each task happens-before the next, so state touched only by a lane's
 * tasks needs no lock.
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> thread-safe. The queue is unbounded; callers keep it small by coalescing
 * (the client submits state changes as "flush" requests, not one task per change).
 */
public final class SerialExecutor implements Executor {

  private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

  private final Executor delegate;
  private final String name;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ThreadLocal<Boolean> running = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /**
   * Creates a lane on a delegate executor.
   *
   * @param name used in log messages
   */
  public SerialExecutor(Executor delegate, String name) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.name = requireNonNull(name, "name");
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(requireNonNull(task, "task"));
    schedule();
  }

  /**
   * Submits a task like {@link #execute}, and returns false instead of dropping it silently when
   * the delegate executor no longer accepts tasks.
   */
  public boolean tryExecute(Runnable task) {
    tasks.add(requireNonNull(task, "task"));
    if (scheduled.compareAndSet(false, true)) {
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        tasks.clear();
        return false;
      }
    }
    return true;
  }

  /** Returns whether the calling thread is running one of this lane's tasks. */
  public boolean isCurrentThreadInLane() {
    return running.get();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        tasks.clear();
        LOG.log(System.Logger.Level.DEBUG, "{0}: executor shut down; tasks dropped", name);
      }
    }
  }

  private void drain() {
    running.set(Boolean.TRUE);
    try {
      // A bounded batch keeps one busy lane from starving others that share the delegate.
      for (int i = 0; i < 64; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, name + ": task failed", e);
        }
      }
    } finally {
      running.set(Boolean.FALSE);
      scheduled.set(false);
    }
    if (!tasks.isEmpty()) {
      schedule();
    }
  }
}
