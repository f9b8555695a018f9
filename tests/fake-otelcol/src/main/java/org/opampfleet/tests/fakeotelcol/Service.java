/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One run of the collector with one configuration: its extensions ({@code health_check}, {@code
 * opamp}, {@code fault}), its self-metrics endpoint and its timers. A SIGHUP reload shuts one
 * service down and starts another, as the real collector does.
 *
 * <p><b>Thread safety:</b> the state changes run on the single scheduler thread; {@link #shutdown}
 * may be called from any thread.
 */
final class Service {
  private final CollectorConfig config;
  private final Components components;
  private final Faults faults;
  private final Log log;
  private final ScheduledExecutorService scheduler;
  private final Runnable onFatal;
  private final Instant started = Instant.now();
  private final long startNanos = OpampAgent.nowNanos();
  private final AtomicLong healthChecks = new AtomicLong();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private volatile boolean ready;
  private volatile @Nullable String unhealthyReason;
  private @Nullable OpampAgent opamp;

  Service(
      CollectorConfig config,
      Components components,
      Function<String, @Nullable String> env,
      Log log,
      ScheduledExecutorService scheduler,
      Runnable onFatal) {
    this.config = config;
    this.components = components;
    this.faults = Faults.from(config.fault(), env);
    this.log = log;
    this.scheduler = scheduler;
    this.onFatal = onFatal;
  }

  Faults faults() {
    return faults;
  }

  /** Starts the extensions and timers; the service becomes ready after the start delay. */
  synchronized void start() throws IOException {
    if (faults.failStart() != null) {
      throw new IllegalStateException(faults.failStart());
    }
    CollectorConfig.HealthCheck health = config.healthCheck();
    if (health != null) {
      resources.add(
          HttpEndpoint.start(health.host(), health.port(), health.path(), this::healthResponse));
      log.info("Health Check extension started on " + health.host() + ":" + health.port());
    }
    String metrics = config.metrics();
    if (metrics != null) {
      int colon = metrics.lastIndexOf(':');
      String host = colon <= 0 ? "0.0.0.0" : metrics.substring(0, colon);
      int port = Integer.parseInt(metrics.substring(colon + 1));
      try {
        resources.add(HttpEndpoint.start(host, port, "/metrics", this::metricsResponse));
      } catch (IOException e) {
        // The real collector fails here; the fake goes on so that tests sharing a host do not
        // depend on port 8888 being free.
        log.warn("Cannot serve self-metrics on " + metrics + ": " + e.getMessage());
      }
    }
    if (config.opamp() != null) {
      opamp = OpampAgent.start(config, components, startNanos, log);
      resources.add(opamp);
      long ppid = config.opamp().ppid();
      if (ppid > 0) {
        long every = config.opamp().ppidPollInterval().toMillis();
        timers.add(
            scheduler.scheduleWithFixedDelay(
                () -> watchParent(ppid), every, every, TimeUnit.MILLISECONDS));
      }
    }
    if (faults.crashAfter() != null) {
      timers.add(
          scheduler.schedule(this::crash, faults.crashAfter().toMillis(), TimeUnit.MILLISECONDS));
    }
    timers.add(
        scheduler.schedule(
            this::becomeReady, faults.startDelay().toMillis(), TimeUnit.MILLISECONDS));
  }

  private void becomeReady() {
    if (faults.unhealthy()) {
      unhealthyReason = "fault: configured to stay unhealthy";
      if (opamp != null) {
        opamp.reportUnhealthy("StatusRecoverableError", unhealthyReason);
      }
      log.error("Component is unhealthy", unhealthyReason);
      return;
    }
    ready = true;
    if (opamp != null) {
      opamp.reportReady(config.pipelines());
    }
    log.info("Everything is ready. Begin running and processing data.");
    Duration after = faults.unhealthyAfter();
    if (after != null) {
      timers.add(scheduler.schedule(this::turnUnhealthy, after.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  private void turnUnhealthy() {
    unhealthyReason = "fault: turned unhealthy as configured";
    ready = false;
    log.error("Component is unhealthy", unhealthyReason);
    if (opamp != null) {
      opamp.reportUnhealthy("StatusRecoverableError", unhealthyReason);
    }
  }

  private void crash() {
    log.fatal(
        "fault: crashing as configured",
        "fake-otelcol crashed on purpose, exit code " + faults.exitCode());
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(faults.exitCode());
  }

  private void watchParent(long ppid) {
    boolean alive = ProcessHandle.of(ppid).map(ProcessHandle::isAlive).orElse(false);
    if (!alive) {
      log.error(
          "Fatal error reported by a component",
          "collector was orphaned, process with pid " + ppid + " does not exist");
      onFatal.run();
    }
  }

  private HttpEndpoint.Response healthResponse() {
    healthChecks.incrementAndGet();
    if (ready) {
      return new HttpEndpoint.Response(
          200,
          "application/json",
          "{\"status\":\"Server available\",\"upSince\":\""
              + started
              + "\",\"uptime\":\""
              + Duration.between(started, Instant.now()).toMillis()
              + "ms\"}");
    }
    return new HttpEndpoint.Response(
        503,
        "application/json",
        "{\"status\":\"Server not available\",\"upSince\":\"" + started + "\"}");
  }

  private HttpEndpoint.Response metricsResponse() {
    double uptime = Duration.between(started, Instant.now()).toMillis() / 1000.0;
    Runtime rt = Runtime.getRuntime();
    String labels =
        "{service_instance_id=\""
            + (config.opamp() != null && config.opamp().instanceUid() != null
                ? config.opamp().instanceUid()
                : "")
            + "\",service_name=\""
            + Components.COMMAND
            + "\",service_version=\""
            + Components.VERSION
            + "\"}";
    StringBuilder b = new StringBuilder();
    b.append("# HELP otelcol_process_uptime Uptime of the process\n");
    b.append("# TYPE otelcol_process_uptime counter\n");
    b.append("otelcol_process_uptime").append(labels).append(' ').append(uptime).append('\n');
    b.append("# HELP otelcol_process_runtime_heap_alloc_bytes Bytes of allocated heap objects\n");
    b.append("# TYPE otelcol_process_runtime_heap_alloc_bytes gauge\n");
    b.append("otelcol_process_runtime_heap_alloc_bytes")
        .append(labels)
        .append(' ')
        .append(rt.totalMemory() - rt.freeMemory())
        .append('\n');
    b.append("# HELP otelcol_receiver_accepted_spans Spans accepted by receivers\n");
    b.append("# TYPE otelcol_receiver_accepted_spans counter\n");
    for (Map.Entry<String, List<String>> pipeline : config.pipelines().entrySet()) {
      for (String member : pipeline.getValue()) {
        if (member.startsWith("receiver:")) {
          b.append("otelcol_receiver_accepted_spans{receiver=\"")
              .append(member.substring(9))
              .append("\",transport=\"fake\"} 0\n");
        }
      }
    }
    return new HttpEndpoint.Response(200, "text/plain; version=0.0.4", b.toString());
  }

  /** Stops the timers, disconnects from OpAMP and closes the listeners. */
  synchronized void shutdown() {
    for (ScheduledFuture<?> timer : timers) {
      timer.cancel(false);
    }
    ready = false;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("Error while shutting down: " + e.getMessage());
      }
    }
    resources.clear();
  }
}
