/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * A deterministic {@link ScheduledExecutorService} on virtual time: nothing runs until the test
 * calls {@link #runUntilIdle()} or {@link #advance(Duration)}, and then everything runs on the
 * test's thread, in time order. Its {@link #clock()} reads the same virtual time.
 */
final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nowNanos;
  private long sequence;
  private boolean shutdown;
  private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");

  /** Returns a clock that reads this scheduler's virtual time. */
  Clock clock() {
    FakeScheduler self = this;
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Instant instant() {
        return self.now();
      }
    };
  }

  /** Returns the virtual time. */
  Instant now() {
    return epoch.plusNanos(nowNanos);
  }

  /** Returns the virtual time elapsed since the start. */
  Duration elapsed() {
    return Duration.ofNanos(nowNanos);
  }

  /** Runs every task that is due now, including those that due tasks add. */
  void runUntilIdle() {
    for (int guard = 0; guard < 1_000_000; guard++) {
      Task next = queue.peek();
      if (next == null || next.atNanos > nowNanos) {
        return;
      }
      queue.poll();
      next.run();
    }
    throw new AssertionError("runUntilIdle(): a task keeps rescheduling itself (busy loop)");
  }

  /** Moves virtual time forward, running tasks at their due times. */
  void advance(Duration duration) {
    long target = nowNanos + duration.toNanos();
    runUntilIdle();
    while (true) {
      Task next = queue.peek();
      if (next == null || next.atNanos > target) {
        break;
      }
      nowNanos = Math.max(nowNanos, next.atNanos);
      runUntilIdle();
    }
    nowNanos = target;
    runUntilIdle();
  }

  /** Returns the due times, relative to now, of the tasks scheduled in the future. */
  List<Duration> pendingDelays() {
    List<Duration> delays = new ArrayList<>();
    for (Task task : queue) {
      if (!task.isCancelled()) {
        delays.add(Duration.ofNanos(task.atNanos - nowNanos));
      }
    }
    delays.sort(null);
    return delays;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    Task task = new Task(nowNanos + Math.max(0, unit.toNanos(delay)), sequence++, command);
    queue.add(task);
    return task;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }

  private final class Task implements ScheduledFuture<Object> {
    final long atNanos;
    final long order;
    final Runnable command;
    boolean cancelled;
    boolean done;

    Task(long atNanos, long order, Runnable command) {
      this.atNanos = atNanos;
      this.order = order;
      this.command = command;
    }

    void run() {
      if (!cancelled) {
        done = true;
        command.run();
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(atNanos - nowNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task that = (Task) other;
      int byTime = Long.compare(atNanos, that.atNanos);
      return byTime != 0 ? byTime : Long.compare(order, that.order);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
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
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
