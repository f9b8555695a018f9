/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time for unit tests: tasks run only when the test calls {@link #runDue()}
 * or {@link #advance}, on the test's thread, in time order. Its {@link #clock()} reads the same
 * virtual time.
 *
 * <p><b>Thread safety:</b> not thread-safe; single-threaded tests only.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  /** A clock reading the virtual time. */
  Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return ORIGIN.plusNanos(now);
      }
    };
  }

  /** Runs every task that is due now, including tasks they schedule for now. */
  void runDue() {
    while (!queue.isEmpty() && queue.peek().at <= now) {
      Task task = queue.poll();
      if (!task.cancelled) {
        task.run();
      }
    }
  }

  /** Moves time forward by {@code duration}, running tasks as their time comes. */
  void advance(Duration duration) {
    long target = now + duration.toNanos();
    runDue();
    while (!queue.isEmpty() && queue.peek().at <= target) {
      Task task = queue.poll();
      now = Math.max(now, task.at);
      if (!task.cancelled) {
        task.run();
      }
      runDue();
    }
    now = target;
    runDue();
  }

  // ScheduledFuture extends Delayed, which is Comparable<Delayed>: the JDK fixes the type.
  @SuppressWarnings("ComparableType")
  private final class Task implements ScheduledFuture<Object>, Comparable<Delayed> {
    final Runnable body;
    final long period;
    final long seq = sequence++;
    long at;
    boolean cancelled;
    boolean done;

    Task(Runnable body, long at, long period) {
      this.body = body;
      this.at = at;
      this.period = period;
    }

    void run() {
      body.run();
      if (period > 0 && !cancelled) {
        at = now + period;
        queue.add(this);
      } else {
        done = true;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - now, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task o = (Task) other;
      int byTime = Long.compare(at, o.at);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      queue.remove(this);
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("virtual time");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("virtual time");
    }
  }

  private Task add(Runnable body, long delayNanos, long periodNanos) {
    Task task = new Task(body, now + Math.max(0, delayNanos), periodNanos);
    queue.add(task);
    return task;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(delay), 0);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(period));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(delay));
  }

  @Override
  public void execute(Runnable command) {
    add(command, 0, 0);
  }

  @Override
  public void shutdown() {
    queue.clear();
  }

  @Override
  public List<Runnable> shutdownNow() {
    queue.clear();
    return new ArrayList<>();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
