/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs one worker's share of a run, in the coordinator's process or in a worker process of its own:
 * builds the agents, streams statistics, and carries out the coordinator's commands.
 *
 * <p><b>Thread safety:</b> thread-safe. Events are emitted from the statistics thread and from the
 * thread that calls {@link #handle}.
 */
final class Worker implements AutoCloseable {
  /** Sockets and files a worker process needs beside its agents' sockets. */
  static final int FILE_HEADROOM = 200;

  private static final Duration STATS_INTERVAL = Duration.ofSeconds(1);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final LoadOptions options;
  private final WorkerPlan plan;
  private final Consumer<WorkerEvent> sink;
  private final FleetStats stats = new FleetStats();
  private final ScheduledExecutorService ticker;
  private @Nullable AgentFleet fleet;
  private boolean stopped;

  Worker(LoadOptions options, WorkerPlan plan, Consumer<WorkerEvent> sink) {
    this.options = requireNonNull(options, "options");
    this.plan = requireNonNull(plan, "plan");
    this.sink = requireNonNull(sink, "sink");
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread t = new Thread(task, "loadgen-stats-w" + plan.index());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Checks the open-file limit, builds the agents and starts connecting them; emits READY, or
   * FAILED with the reason.
   */
  synchronized void start() {
    String problem = checkOpenFileLimit(plan.sockets());
    if (problem != null) {
      sink.accept(new WorkerEvent(WorkerEvent.Type.FAILED, plan.index(), null, problem, 0));
      return;
    }
    AgentFleet f = new AgentFleet(options, plan, stats);
    fleet = f;
    f.start();
    ticker.scheduleAtFixedRate(
        () -> emit(WorkerEvent.Type.STATS),
        STATS_INTERVAL.toMillis(),
        STATS_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    sink.accept(
        new WorkerEvent(
            WorkerEvent.Type.READY, plan.index(), null, f.usesEpoll() ? "epoll" : "nio", 0));
  }

  /** Carries out a command from the coordinator. */
  synchronized void handle(WorkerCommand command) {
    AgentFleet f = fleet;
    if (f == null || stopped) {
      return;
    }
    switch (command.type()) {
      case START_ROLLOUT_PHASE -> {
        f.startPhase(Latency.ROLLOUT, command.id(), command.epochMicros());
        sink.accept(new WorkerEvent(WorkerEvent.Type.ACK, plan.index(), null, null, command.id()));
      }
      case START_STORM_PHASE -> {
        f.startPhase(Latency.RECONNECT, command.id(), command.epochMicros());
        sink.accept(new WorkerEvent(WorkerEvent.Type.ACK, plan.index(), null, null, command.id()));
      }
      case STORM -> f.storm(command.stormMode());
      case START_CHURN -> f.startChurn(command.rate());
      case STOP_CHURN -> f.stopChurn();
      case STOP -> stop();
    }
  }

  /** Stops the agents and emits FINAL. Idempotent. */
  synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    ticker.shutdownNow();
    AgentFleet f = fleet;
    if (f != null) {
      f.stop(STOP_GRACE);
    }
    emit(WorkerEvent.Type.FINAL);
  }

  @Override
  public void close() {
    stop();
  }

  private void emit(WorkerEvent.Type type) {
    sink.accept(new WorkerEvent(type, plan.index(), stats.snapshot(), null, 0));
  }

  /**
   * Returns why this process cannot hold {@code sockets} more sockets under its open-file limit, or
   * null when it can (or the limit cannot be read).
   */
  static @Nullable String checkOpenFileLimit(int sockets) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof UnixOperatingSystemMXBean unix)) {
      return null;
    }
    long max = unix.getMaxFileDescriptorCount();
    long open = unix.getOpenFileDescriptorCount();
    if (open + sockets + FILE_HEADROOM > max) {
      return String.format(
          Locale.ROOT,
          "this process needs %,d sockets but its open-file limit is %,d with %,d already open"
              + " (EMFILE would follow); lower --max-sockets-per-worker to at most %,d so the"
              + " agents spread over more worker processes",
          sockets,
          max,
          open,
          Math.max(0, max - open - FILE_HEADROOM));
    }
    return null;
  }
}
