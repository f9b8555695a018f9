/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Runs a load test: splits it over workers, ramps the agents up, carries out the scenario, prints a
 * progress line while it runs, and returns the result.
 *
 * <p>Every wait is bounded: the connect phase by {@code connectTimeout}, the scenario by {@code
 * duration}, the shutdown by a fixed grace. The run stops by itself.
 *
 * <p><b>Thread safety:</b> {@link #run()} runs on one thread; worker events arrive on others and
 * are handed over under this object's lock.
 */
final class Coordinator {
  /** The run completed and every agent did what the scenario asked. */
  static final int EXIT_OK = 0;

  /** The run could not run (a worker failed to start or died). */
  static final int EXIT_FAILED = 1;

  /** The run completed, but not every agent connected or finished the scenario's phase. */
  static final int EXIT_INCOMPLETE = 3;

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final long WAIT_SLICE_MILLIS = 200;

  private final LoadOptions options;
  private final PrintStream out;
  private final ServerProbe probe;
  private final List<WorkerPlan> plans;
  private final boolean inProcess;

  // Guarded by this.
  private final Map<Integer, StatsSnapshot> latest = new HashMap<>();
  private final Map<Integer, StatsSnapshot> finals = new HashMap<>();
  private final Map<Integer, Long> acks = new HashMap<>();
  private final Map<Integer, String> ready = new HashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Set<ErrorKind> limitsAnnounced = EnumSet.noneOf(ErrorKind.class);

  private final List<WorkerHandle> workers = new ArrayList<>();
  private final long runStartNanos = System.nanoTime();
  private long lastProgressNanos = System.nanoTime();
  private String phaseName = "start";
  private Optional<ServerProbe.Sample> lastServerSample = Optional.empty();
  private long lastServerSampleNanos;
  private double peakServerHeapBytes = Double.NaN;
  private long previousMessagesSent;
  private long previousProgressNanos = System.nanoTime();

  /**
   * Creates a coordinator.
   *
   * @param options the run
   * @param out where the progress lines and the summary go
   * @throws IllegalArgumentException if the run cannot be split over workers
   */
  Coordinator(LoadOptions options, PrintStream out) {
    this.options = requireNonNull(options, "options");
    this.out = requireNonNull(out, "out");
    this.probe = ServerProbe.of(options);
    this.plans =
        WorkerPlans.split(
            new WorkerPlans.Request(
                options.agents(),
                options.mix(),
                options.httpConnections(),
                options.workers(),
                options.maxSocketsPerWorker(),
                options.agentsPerSourceAddress(),
                options.connectRate()));
    this.inProcess = options.workers() == 0 && plans.size() == 1;
  }

  /**
   * Runs the test; returns the result (the JSON document's content) and the exit code in it under
   * {@code exit_code}.
   */
  Map<String, Object> run() {
    Map<String, Object> result = new LinkedHashMap<>();
    Map<String, Object> phases = new LinkedHashMap<>();
    Instant started = Instant.now();
    boolean complete = true;
    ServerProbe.Sample baseline = null;
    ServerProbe.Sample loaded = null;
    Map<String, Object> cpu = new LinkedHashMap<>();
    printHeader();
    try {
      phaseName = "baseline";
      baseline = probe.sample(true).orElse(null);
      startWorkers();
      if (!awaitUntil(() -> readyCount() == plans.size() || hasFailures(), READY_TIMEOUT)
          || hasFailures()) {
        return finish(result, phases, started, baseline, loaded, cpu, false, true);
      }
      // Connect.
      phaseName = "connect";
      long connectStart = System.nanoTime();
      boolean allConnected =
          awaitUntil(
              () -> connectedNow() >= options.agents() || hasFailures(), options.connectTimeout());
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      Map<String, Object> connect = new LinkedHashMap<>();
      connect.put("all_connected", allConnected && !hasFailures());
      connect.put("connected", current().connected());
      connect.put("seconds", round(connectSeconds, 3));
      connect.put(
          "agents_per_second", round(current().connected() / Math.max(0.001, connectSeconds), 1));
      phases.put("connect", connect);
      if (hasFailures()) {
        return finish(result, phases, started, baseline, loaded, cpu, false, true);
      }
      complete &= allConnected;
      printProgress(true);
      // Settle, then measure the server with every agent connected.
      phaseName = "settle";
      awaitUntil(() -> hasFailures(), options.settle());
      loaded = probe.sample(true).orElse(null);
      // Scenario.
      phaseName = options.scenario().name().toLowerCase(Locale.ROOT);
      ServerProbe.Sample holdStart = probe.sample(false).orElse(null);
      StatsSnapshot statsStart = current();
      long holdStartNanos = System.nanoTime();
      boolean scenarioComplete =
          switch (options.scenario()) {
            case IDLE, POLL -> hold(options.duration());
            case CHURN -> churn();
            case ROLLOUT -> rollouts(phases);
            case STORM -> storm(phases);
          };
      complete &= scenarioComplete;
      long holdEndNanos = System.nanoTime();
      ServerProbe.Sample holdEnd = probe.sample(false).orElse(null);
      StatsSnapshot statsEnd = current();
      phases.put(
          "steady",
          steadyState(statsStart, statsEnd, holdStartNanos, holdEndNanos, holdStart, holdEnd, cpu));
      return finish(result, phases, started, baseline, loaded, cpu, complete, false);
    } finally {
      for (WorkerHandle worker : workers) {
        worker.close();
      }
    }
  }

  // ---- Scenarios ------------------------------------------------------------------------------

  private boolean hold(Duration duration) {
    awaitUntil(this::hasFailures, duration);
    return !hasFailures();
  }

  private boolean churn() {
    for (int i = 0; i < workers.size(); i++) {
      double share = options.churnRate() * plans.get(i).agents() / options.agents();
      workers
          .get(i)
          .send(new WorkerCommand(WorkerCommand.Type.START_CHURN, 0, 0, StormMode.DROP, share));
    }
    boolean ok = hold(options.duration());
    broadcast(WorkerCommand.of(WorkerCommand.Type.STOP_CHURN));
    return ok;
  }

  private boolean rollouts(Map<String, Object> phases) {
    URI url = requireNonNull(options.rolloutUrl(), "rolloutUrl");
    long deadline = System.nanoTime() + options.duration().toNanos();
    List<Object> runs = new ArrayList<>();
    boolean allComplete = true;
    for (int r = 1; r <= options.rollouts(); r++) {
      int targeted = current().connected();
      long id = r;
      long startMicros = AgentFleet.epochMicros();
      broadcast(
          new WorkerCommand(
              WorkerCommand.Type.START_ROLLOUT_PHASE, id, startMicros, StormMode.DROP, 0));
      if (!awaitUntil(() -> acksFor(id) == workers.size() || hasFailures(), READY_TIMEOUT)) {
        return false;
      }
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("rollout", r);
      run.put("agents_targeted", targeted);
      ServerProbe.Response trigger;
      try {
        trigger = probe.send(options.rolloutMethod(), url, options.rolloutBody());
      } catch (IOException e) {
        failures.add("rollout trigger " + url + " failed: " + e.getMessage());
        run.put("trigger_error", String.valueOf(e.getMessage()));
        runs.add(run);
        allComplete = false;
        break;
      }
      run.put("trigger_status", trigger.status());
      run.put("trigger_response", abbreviate(trigger.body()));
      if (trigger.status() / 100 != 2) {
        out.println("rollout trigger answered HTTP " + trigger.status() + ": " + trigger.body());
        runs.add(run);
        allComplete = false;
        break;
      }
      phaseName = "rollout " + r;
      long remaining = Math.max(0, deadline - System.nanoTime());
      boolean done =
          awaitUntil(() -> phaseDone(id) >= targeted || hasFailures(), Duration.ofNanos(remaining));
      StatsSnapshot now = current();
      Histogram h = now.phase();
      run.put("completed", done);
      run.put("agents_reported", now.phaseDone());
      run.put("time_to_all_reported_ms", done ? round(now.phaseMaxMicros() / 1000.0, 3) : null);
      run.put("latency", Histograms.summary(h));
      runs.add(run);
      out.printf(
          Locale.ROOT,
          "rollout %d: %,d of %,d agents reported APPLIED/FAILED; p50 %s, p99 %s, max %s%n",
          r,
          now.phaseDone(),
          targeted,
          ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(99)),
          ms(h.getMaxValue()));
      allComplete &= done;
      if (!done) {
        break;
      }
      awaitUntil(this::hasFailures, Duration.ofSeconds(1)); // let the last reports settle
    }
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("rollouts", runs);
    phases.put("rollout", section);
    return allComplete;
  }

  private boolean storm(Map<String, Object> phases) {
    int targeted = plans.stream().mapToInt(WorkerPlan::webSocketAgents).sum();
    StatsSnapshot before = current();
    long id = 1;
    long startMicros = AgentFleet.epochMicros();
    broadcast(
        new WorkerCommand(
            WorkerCommand.Type.START_STORM_PHASE, id, startMicros, StormMode.DROP, 0));
    if (!awaitUntil(() -> acksFor(id) == workers.size() || hasFailures(), READY_TIMEOUT)) {
      return false;
    }
    peakServerHeapBytes = Double.NaN;
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("mode", options.stormMode().name().toLowerCase(Locale.ROOT));
    section.put("agents", targeted);
    broadcast(new WorkerCommand(WorkerCommand.Type.STORM, id, startMicros, options.stormMode(), 0));
    if (options.stormMode() == StormMode.SERVER_RESTART) {
      URI url = requireNonNull(options.restartUrl(), "restartUrl");
      try {
        ServerProbe.Response response = probe.send("POST", url, null);
        section.put("restart_status", response.status());
      } catch (IOException e) {
        section.put("restart_error", String.valueOf(e.getMessage()));
      }
    }
    phaseName = "storm";
    boolean back = awaitUntil(() -> phaseDone(id) >= targeted || hasFailures(), options.duration());
    StatsSnapshot after = current();
    Histogram h = after.phase();
    section.put("all_back", back);
    section.put("agents_back", after.phaseDone());
    section.put("time_to_all_back_ms", back ? round(after.phaseMaxMicros() / 1000.0, 3) : null);
    section.put("reconnect_latency", Histograms.summary(h));
    Map<String, Object> rejections = new LinkedHashMap<>();
    for (Counter c :
        List.of(
            Counter.REJECTED_HTTP_503,
            Counter.REJECTED_HTTP_429,
            Counter.REJECTED_UNAVAILABLE,
            Counter.RETRY_AFTER_HONOURED,
            Counter.RECONNECTS)) {
      rejections.put(c.key(), after.count(c) - before.count(c));
    }
    section.put("during_storm", rejections);
    section.put("agents_connected_after", after.connected());
    section.put("agents_lost", Math.max(0, options.agents() - after.connected()));
    section.put(
        "server_peak_heap_used_bytes",
        Double.isNaN(peakServerHeapBytes) ? null : (long) peakServerHeapBytes);
    phases.put("storm", section);
    out.printf(
        Locale.ROOT,
        "storm: %,d of %,d agents back; p50 %s, p99 %s, max %s; rejections 503=%d 429=%d"
            + " unavailable=%d%n",
        after.phaseDone(),
        targeted,
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getMaxValue()),
        after.count(Counter.REJECTED_HTTP_503) - before.count(Counter.REJECTED_HTTP_503),
        after.count(Counter.REJECTED_HTTP_429) - before.count(Counter.REJECTED_HTTP_429),
        after.count(Counter.REJECTED_UNAVAILABLE) - before.count(Counter.REJECTED_UNAVAILABLE));
    return back;
  }

  private Map<String, Object> steadyState(
      StatsSnapshot start,
      StatsSnapshot end,
      long startNanos,
      long endNanos,
      ServerProbe.@Nullable Sample serverStart,
      ServerProbe.@Nullable Sample serverEnd,
      Map<String, Object> cpu) {
    double seconds = Math.max(0.001, (endNanos - startNanos) / 1e9);
    Map<String, Object> steady = new LinkedHashMap<>();
    steady.put("seconds", round(seconds, 3));
    steady.put(
        "messages_sent_per_second",
        round(
            (end.count(Counter.MESSAGES_SENT) - start.count(Counter.MESSAGES_SENT)) / seconds, 1));
    steady.put(
        "messages_received_per_second",
        round(
            (end.count(Counter.MESSAGES_RECEIVED) - start.count(Counter.MESSAGES_RECEIVED))
                / seconds,
            1));
    steady.put(
        "polls_per_second",
        round((end.count(Counter.POLLS_SENT) - start.count(Counter.POLLS_SENT)) / seconds, 1));
    steady.put("late_polls", end.count(Counter.LATE_POLLS) - start.count(Counter.LATE_POLLS));
    steady.put(
        "health_changes_per_second",
        round(
            (end.count(Counter.HEALTH_CHANGES) - start.count(Counter.HEALTH_CHANGES)) / seconds,
            1));
    Map<String, Object> latencies = new LinkedHashMap<>();
    for (Latency l : List.of(Latency.REPLY, Latency.POLL, Latency.CHURN)) {
      Histogram window = end.histogram(l).copy();
      window.subtract(start.histogram(l));
      if (window.getTotalCount() > 0) {
        latencies.put(l.key(), Histograms.summary(window));
      }
    }
    steady.put("latency", latencies);
    if (serverStart != null
        && serverEnd != null
        && !Double.isNaN(serverStart.cpuSeconds())
        && !Double.isNaN(serverEnd.cpuSeconds())) {
      double wall = (serverEnd.atNanos() - serverStart.atNanos()) / 1e9;
      double percent = 100 * (serverEnd.cpuSeconds() - serverStart.cpuSeconds()) / wall;
      cpu.put("window_seconds", round(wall, 3));
      cpu.put("server_cpu_percent_of_one_core", round(percent, 2));
    }
    return steady;
  }

  // ---- Result ---------------------------------------------------------------------------------

  private Map<String, Object> finish(
      Map<String, Object> result,
      Map<String, Object> phases,
      Instant started,
      ServerProbe.@Nullable Sample baseline,
      ServerProbe.@Nullable Sample loaded,
      Map<String, Object> cpu,
      boolean complete,
      boolean failed) {
    lastConnected = current().connected();
    phaseName = "stop";
    broadcast(WorkerCommand.of(WorkerCommand.Type.STOP));
    awaitUntil(() -> finalsCount() + failureCount() >= plans.size(), STOP_TIMEOUT);
    for (WorkerHandle worker : workers) {
      worker.awaitEnd(Duration.ofSeconds(10));
    }
    StatsSnapshot total = finalTotals();
    ServerProbe.Sample end = probe.sample(false).orElse(null);

    result.put("tool", "opampfleet-loadgen");
    result.put("started_at", started.toString());
    result.put("seconds", round((System.nanoTime() - runStartNanos) / 1e9, 3));
    result.put("scenario", options.scenario().name().toLowerCase(Locale.ROOT));
    result.put("target", options.target().toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> shownOptions = Json.MAPPER.convertValue(options, Map.class);
    // Header values may be credentials: the result names the headers only.
    shownOptions.put(
        "apiHeaders",
        options.apiHeaders().stream().map(h -> LoadOptions.splitHeader(h)[0] + ": ***").toList());
    result.put("options", shownOptions);
    Map<String, Object> environment = new LinkedHashMap<>();
    environment.put("available_processors", Runtime.getRuntime().availableProcessors());
    environment.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    environment.put("workers", plans.size());
    environment.put("in_process", inProcess);
    environment.put("transport_io", new ArrayList<>(readyTransports()));
    environment.put("worker_plans", Json.MAPPER.convertValue(plans, List.class));
    result.put("environment", environment);

    Map<String, Object> agents = new LinkedHashMap<>();
    agents.put("target", options.agents());
    agents.put("websocket", plans.stream().mapToInt(WorkerPlan::webSocketAgents).sum());
    agents.put("http", plans.stream().mapToInt(WorkerPlan::httpAgents).sum());
    agents.put("connected_at_end", lastConnected());
    result.put("agents", agents);
    result.put("counters", new LinkedHashMap<>(total.counters()));
    result.put("errors", new LinkedHashMap<>(total.errors()));
    Map<String, Object> latency = new LinkedHashMap<>();
    for (Latency l : Latency.values()) {
      Histogram h = total.histogram(l);
      if (h.getTotalCount() > 0) {
        latency.put(l.key(), Histograms.summary(h));
      }
    }
    result.put("latency", latency);
    result.put("phases", phases);
    result.put("server", serverSection(baseline, loaded, end, cpu));
    List<String> limits = new ArrayList<>();
    for (ErrorKind kind : ErrorKind.values()) {
      Long n = total.errors().get(kind.name().toLowerCase(Locale.ROOT));
      if (kind.isLimit() && n != null && n > 0) {
        limits.add(kind.explanation() + " (" + n + " times)");
      }
    }
    result.put("limits_hit", limits);
    List<String> problems;
    synchronized (this) {
      problems = List.copyOf(failures);
    }
    result.put("failures", problems);
    int exit = failed || !problems.isEmpty() ? EXIT_FAILED : complete ? EXIT_OK : EXIT_INCOMPLETE;
    result.put("complete", complete && !failed);
    result.put("exit_code", exit);
    return result;
  }

  private Map<String, Object> serverSection(
      ServerProbe.@Nullable Sample baseline,
      ServerProbe.@Nullable Sample loaded,
      ServerProbe.@Nullable Sample end,
      Map<String, Object> cpu) {
    Map<String, Object> server = new LinkedHashMap<>();
    if (!probe.hasMetrics()) {
      server.put("metrics", "not configured (--metrics-url or --admin-url)");
      return server;
    }
    if (baseline != null) {
      server.put("baseline_heap_after_gc_bytes", longOrNull(baseline.heapAfterGcBytes()));
      server.put("baseline_resident_bytes", longOrNull(baseline.residentBytes()));
      server.put("baseline_direct_bytes", longOrNull(baseline.directBytes()));
    }
    if (loaded != null) {
      server.put("loaded_heap_after_gc_bytes", longOrNull(loaded.heapAfterGcBytes()));
      server.put("loaded_resident_bytes", longOrNull(loaded.residentBytes()));
      server.put("loaded_direct_bytes", longOrNull(loaded.directBytes()));
      server.put("loaded_connected_agents", longOrNull(loaded.connectedAgents()));
      server.put("loaded_open_files", longOrNull(loaded.openFiles()));
      if (baseline != null) {
        double agents =
            Double.isNaN(loaded.connectedAgents()) ? lastConnected() : loaded.connectedAgents();
        if (agents > 0 && !Double.isNaN(loaded.heapAfterGcBytes())) {
          server.put(
              "heap_bytes_per_agent",
              Math.round((loaded.heapAfterGcBytes() - baseline.heapAfterGcBytes()) / agents));
        }
        if (agents > 0 && !Double.isNaN(loaded.residentBytes())) {
          server.put(
              "resident_bytes_per_agent",
              Math.round((loaded.residentBytes() - baseline.residentBytes()) / agents));
        }
        if (agents > 0 && !Double.isNaN(loaded.directBytes())) {
          server.put(
              "direct_bytes_per_agent",
              Math.round((loaded.directBytes() - baseline.directBytes()) / agents));
        }
      }
    }
    if (end != null) {
      server.put("end_heap_used_bytes", longOrNull(end.heapUsedBytes()));
      server.put("end_resident_bytes", longOrNull(end.residentBytes()));
    }
    String gcError = probe.lastCollectionError();
    if (gcError != null) {
      server.put("gc_error", gcError);
    }
    server.putAll(cpu);
    return server;
  }

  // ---- Workers and waiting --------------------------------------------------------------------

  private void startWorkers() {
    for (WorkerPlan plan : plans) {
      WorkerHandle handle =
          inProcess
              ? new LocalWorker(options, plan, this::onEvent)
              : new ChildProcessWorker(options, plan, this::onEvent);
      workers.add(handle);
    }
    for (WorkerHandle worker : workers) {
      worker.start();
    }
  }

  private void broadcast(WorkerCommand command) {
    for (WorkerHandle worker : workers) {
      worker.send(command);
    }
  }

  /** Receives an event from a worker; called on the worker's reader thread. */
  synchronized void onEvent(WorkerEvent event) {
    switch (event.type()) {
      case READY -> ready.put(event.worker(), String.valueOf(event.message()));
      case STATS -> latest.put(event.worker(), requireNonNull(event.stats(), "stats"));
      case FINAL -> {
        StatsSnapshot stats = requireNonNull(event.stats(), "stats");
        latest.put(event.worker(), stats);
        finals.put(event.worker(), stats);
      }
      case ACK -> acks.merge(event.worker(), event.id(), Math::max);
      case FAILED -> {
        String message = "worker " + event.worker() + ": " + event.message();
        if (!finals.containsKey(event.worker())) {
          failures.add(message);
          out.println("FAILED " + message);
        }
      }
    }
    notifyAll();
  }

  /**
   * Waits until {@code condition} holds or {@code timeout} passes, printing the progress line when
   * it is due; returns whether the condition holds.
   */
  private boolean awaitUntil(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      synchronized (this) {
        if (condition.getAsBoolean()) {
          return true;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        try {
          wait(Math.max(1, Math.min(WAIT_SLICE_MILLIS, remaining / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return condition.getAsBoolean();
        }
      }
      printProgress(false);
    }
  }

  private synchronized int readyCount() {
    return ready.size();
  }

  private synchronized List<String> readyTransports() {
    return List.copyOf(new java.util.TreeSet<>(ready.values()));
  }

  private synchronized boolean hasFailures() {
    return !failures.isEmpty();
  }

  private synchronized int failureCount() {
    return failures.size();
  }

  private synchronized int finalsCount() {
    return finals.size();
  }

  private synchronized long acksFor(long id) {
    return acks.values().stream().filter(v -> v >= id).count();
  }

  private synchronized long phaseDone(long id) {
    return latest.values().stream()
        .filter(s -> s.phaseId() == id)
        .mapToLong(StatsSnapshot::phaseDone)
        .sum();
  }

  private synchronized int connectedNow() {
    return latest.values().stream().mapToInt(StatsSnapshot::connected).sum();
  }

  private synchronized StatsSnapshot current() {
    return StatsSnapshot.sum(List.copyOf(latest.values()));
  }

  private synchronized StatsSnapshot finalTotals() {
    Map<Integer, StatsSnapshot> merged = new HashMap<>(latest);
    merged.putAll(finals);
    return StatsSnapshot.sum(List.copyOf(merged.values()));
  }

  // The agents connected when the scenario ended; read before the workers stop.
  private volatile int lastConnected;

  private int lastConnected() {
    return lastConnected;
  }

  // ---- Output ---------------------------------------------------------------------------------

  private void printHeader() {
    int ws = plans.stream().mapToInt(WorkerPlan::webSocketAgents).sum();
    int http = plans.stream().mapToInt(WorkerPlan::httpAgents).sum();
    out.printf(
        Locale.ROOT,
        "opampfleet-loadgen: scenario %s, %,d agents (%,d WebSocket, %,d HTTP) against %s,"
            + " %d worker%s (%s)%n",
        options.scenario().name().toLowerCase(Locale.ROOT),
        options.agents(),
        ws,
        http,
        options.target(),
        plans.size(),
        plans.size() == 1 ? "" : "s",
        inProcess ? "in this process" : "child processes");
    for (WorkerPlan plan : plans) {
      out.printf(
          Locale.ROOT,
          "  worker %d: agents %,d-%,d (%,d ws, %,d http over %d connections), %,d sockets,"
              + " sources %s%n",
          plan.index(),
          plan.firstAgent(),
          plan.firstAgent() + plan.agents() - 1,
          plan.webSocketAgents(),
          plan.httpAgents(),
          plan.httpConnections(),
          plan.sockets(),
          plan.sourceAddresses().isEmpty()
              ? "system-chosen"
              : String.join(",", plan.sourceAddresses()));
    }
    out.flush();
  }

  private void printProgress(boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastProgressNanos < options.progressInterval().toNanos()) {
      return;
    }
    lastProgressNanos = now;
    StatsSnapshot s = current();
    lastConnected = s.connected();
    if (probe.hasMetrics() && now - lastServerSampleNanos >= 1_000_000_000L) {
      lastServerSampleNanos = now;
      lastServerSample = probe.sample(false);
      lastServerSample.ifPresent(
          sample -> {
            if (!Double.isNaN(sample.heapUsedBytes())
                && (Double.isNaN(peakServerHeapBytes)
                    || sample.heapUsedBytes() > peakServerHeapBytes)) {
              peakServerHeapBytes = sample.heapUsedBytes();
            }
          });
    }
    long sent = s.count(Counter.MESSAGES_SENT);
    double rate =
        (sent - previousMessagesSent) / Math.max(0.001, (now - previousProgressNanos) / 1e9);
    previousMessagesSent = sent;
    previousProgressNanos = now;
    String server =
        lastServerSample
            .map(
                sample ->
                    String.format(
                        Locale.ROOT,
                        " | server heap %s, %s agents",
                        mib(sample.heapUsedBytes()),
                        Double.isNaN(sample.connectedAgents())
                            ? "?"
                            : String.format(Locale.ROOT, "%,d", (long) sample.connectedAgents())))
            .orElse("");
    out.printf(
        Locale.ROOT,
        "[%7.1fs] %-10s connected %,d/%,d (ws %,d, http %,d) | sent %,d (%,.0f/s) recv %,d |"
            + " rejected %,d | errors %,d%s%s%n",
        (now - runStartNanos) / 1e9,
        phaseName,
        s.connected(),
        options.agents(),
        s.webSocketConnected(),
        s.httpConnected(),
        sent,
        rate,
        s.count(Counter.MESSAGES_RECEIVED),
        s.count(Counter.REJECTED_HTTP_503)
            + s.count(Counter.REJECTED_HTTP_429)
            + s.count(Counter.REJECTED_UNAVAILABLE),
        s.errorTotal(),
        s.phaseId() > 0 && !phaseName.equals("stop")
            ? String.format(Locale.ROOT, " | phase %d done %,d", s.phaseId(), s.phaseDone())
            : "",
        server);
    for (ErrorKind kind : ErrorKind.values()) {
      Long n = s.errors().get(kind.name().toLowerCase(Locale.ROOT));
      if (kind.isLimit() && n != null && n > 0 && limitsAnnounced.add(kind)) {
        out.println("LIMIT: " + kind.explanation());
      }
    }
    out.flush();
  }

  private static String abbreviate(String text) {
    String t = text.strip();
    return t.length() <= 300 ? t : t.substring(0, 297) + "...";
  }

  private static @Nullable Long longOrNull(double value) {
    return Double.isNaN(value) ? null : (long) value;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }

  private static String mib(double bytes) {
    return Double.isNaN(bytes) ? "?" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
