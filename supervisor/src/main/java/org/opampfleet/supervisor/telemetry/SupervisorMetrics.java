/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.telemetry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The supervisor's own metrics, few and fixed, kept in atomics (no metrics SDK: the supervisor runs
 * on every host and its footprint matters). Read them as Prometheus text ({@link
 * #toPrometheusText(Map)}) or as data points for OTLP ({@link #snapshot()}).
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>Name</th><th>Kind</th><th>Meaning</th></tr>
 *   <tr><td>{@code supervisor.agent.health_status}</td><td>gauge</td><td>1 healthy, 0 not (as upstream)</td></tr>
 *   <tr><td>{@code supervisor.agent.restarts}</td><td>counter</td><td>restarts after the collector exited on its own</td></tr>
 *   <tr><td>{@code supervisor.agent.crash_loop}</td><td>gauge</td><td>1 while crash looping</td></tr>
 *   <tr><td>{@code supervisor.agent.uptime}</td><td>gauge, s</td><td>how long the current collector runs</td></tr>
 *   <tr><td>{@code supervisor.config.applied} / {@code supervisor.config.failed}</td><td>counter</td><td>apply outcomes</td></tr>
 *   <tr><td>{@code supervisor.config.rollbacks}</td><td>counter</td><td>automatic rollbacks</td></tr>
 *   <tr><td>{@code supervisor.upstream.connected}</td><td>gauge</td><td>1 while the server is reachable</td></tr>
 *   <tr><td>{@code supervisor.fallback_config.in_use}</td><td>gauge</td><td>1 while the start-up fallback runs</td></tr>
 *   <tr><td>{@code process.memory.usage}</td><td>gauge, By</td><td>the supervisor's resident memory</td></tr>
 *   <tr><td>{@code process.cpu.time}</td><td>counter, s</td><td>the supervisor's CPU time</td></tr>
 *   <tr><td>{@code jvm.memory.used}</td><td>gauge, By</td><td>heap in use</td></tr>
 * </table>
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class SupervisorMetrics {
  private final Clock clock;
  private final AtomicLong healthy = new AtomicLong();
  private final LongAdder restarts = new LongAdder();
  private final AtomicLong crashLoop = new AtomicLong();
  private final AtomicLong collectorStartMillis = new AtomicLong();
  private final LongAdder applied = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder rollbacks = new LongAdder();
  private final AtomicLong upstreamConnected = new AtomicLong();
  private final AtomicLong fallbackInUse = new AtomicLong();

  /** Creates the registry; {@code clock} measures the collector's uptime. */
  public SupervisorMetrics(Clock clock) {
    this.clock = clock;
  }

  /**
   * A data point.
   *
   * @param name the OpenTelemetry-style name
   * @param unit the UCUM unit
   * @param description what it measures
   * @param monotonic whether it is a cumulative monotonic sum (else a gauge)
   * @param value the current value
   */
  public record Point(
      String name, String unit, String description, boolean monotonic, double value) {}

  /** Records whether the collector is healthy. */
  public void setHealthy(boolean value) {
    healthy.set(value ? 1 : 0);
  }

  /** Counts a restart after an unexpected exit. */
  public void countRestart() {
    restarts.increment();
  }

  /** Records whether the collector is crash looping. */
  public void setCrashLoop(boolean value) {
    crashLoop.set(value ? 1 : 0);
  }

  /** Records that a collector started now (0 when none runs). */
  public void setCollectorStarted(long epochMillis) {
    collectorStartMillis.set(epochMillis);
  }

  /** Counts a configuration reported APPLIED. */
  public void countApplied() {
    applied.increment();
  }

  /** Counts a configuration reported FAILED. */
  public void countFailed() {
    failed.increment();
  }

  /** Counts an automatic rollback. */
  public void countRollback() {
    rollbacks.increment();
  }

  /** Records whether the OpAMP server is reachable. */
  public void setUpstreamConnected(boolean value) {
    upstreamConnected.set(value ? 1 : 0);
  }

  /** Records whether the start-up fallback config runs. */
  public void setFallbackInUse(boolean value) {
    fallbackInUse.set(value ? 1 : 0);
  }

  /** Returns every data point now. */
  public List<Point> snapshot() {
    List<Point> out = new ArrayList<>();
    out.add(
        new Point(
            "supervisor.agent.health_status",
            "1",
            "1 if the collector is healthy",
            false,
            healthy.get()));
    out.add(
        new Point(
            "supervisor.agent.restarts",
            "{restart}",
            "Restarts after the collector exited unexpectedly",
            true,
            restarts.sum()));
    out.add(
        new Point(
            "supervisor.agent.crash_loop",
            "1",
            "1 while the collector is crash looping",
            false,
            crashLoop.get()));
    long started = collectorStartMillis.get();
    out.add(
        new Point(
            "supervisor.agent.uptime",
            "s",
            "How long the current collector process has run",
            false,
            started == 0 ? 0 : (clock.millis() - started) / 1000.0));
    out.add(
        new Point(
            "supervisor.config.applied",
            "{config}",
            "Configurations reported APPLIED",
            true,
            applied.sum()));
    out.add(
        new Point(
            "supervisor.config.failed",
            "{config}",
            "Configurations reported FAILED",
            true,
            failed.sum()));
    out.add(
        new Point(
            "supervisor.config.rollbacks",
            "{rollback}",
            "Automatic rollbacks to the last working configuration",
            true,
            rollbacks.sum()));
    out.add(
        new Point(
            "supervisor.upstream.connected",
            "1",
            "1 while the OpAMP server is reachable",
            false,
            upstreamConnected.get()));
    out.add(
        new Point(
            "supervisor.fallback_config.in_use",
            "1",
            "1 while the start-up fallback config runs",
            false,
            fallbackInUse.get()));
    out.add(
        new Point(
            "process.memory.usage",
            "By",
            "Resident memory of the supervisor",
            false,
            residentBytes()));
    out.add(
        new Point(
            "process.cpu.time",
            "s",
            "CPU time of the supervisor",
            true,
            ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(d -> d.toMillis() / 1000.0)
                .orElse(0.0)));
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    out.add(new Point("jvm.memory.used", "By", "Heap memory in use", false, heap.getUsed()));
    return out;
  }

  /** Returns the metrics in the Prometheus text exposition format. */
  public String toPrometheusText(Map<String, String> resource) {
    StringBuilder b = new StringBuilder(2048);
    String labels = labels(resource);
    for (Point p : snapshot()) {
      String name = p.name().replace('.', '_');
      if (p.unit().equals("s")) {
        name += "_seconds";
      } else if (p.unit().equals("By")) {
        name += "_bytes";
      }
      if (p.monotonic()) {
        name += "_total";
      }
      b.append("# HELP ").append(name).append(' ').append(p.description()).append('\n');
      b.append("# TYPE ")
          .append(name)
          .append(' ')
          .append(p.monotonic() ? "counter" : "gauge")
          .append('\n');
      b.append(name).append(labels).append(' ').append(format(p.value())).append('\n');
    }
    return b.toString();
  }

  private static String labels(Map<String, String> resource) {
    String name = resource.getOrDefault("service.name", "opamp-supervisor");
    String instance = resource.getOrDefault("service.instance.id", "");
    return "{service_name=\""
        + escape(name)
        + "\",service_instance_id=\""
        + escape(instance)
        + "\"}";
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** Returns the resident set size from {@code /proc/self/statm}, or 0 where there is none. */
  static long residentBytes() {
    try {
      String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(fields[1]) * 4096L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
