/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;

/**
 * The {@code otelcol} command of the fake collector. Usage, as the real binary:
 *
 * <pre>
 * otelcol --config FILE [--config FILE …] [--feature-gates IDS]   run
 * otelcol validate --config FILE …                                check and exit 0 or 1
 * otelcol components                                              list components (YAML)
 * otelcol featuregate                                             list feature gates
 * otelcol --version
 * </pre>
 *
 * <p>While running: SIGTERM and SIGINT shut it down (exit 0), SIGHUP reloads the configuration (an
 * invalid one makes it exit 1), and an orphaned collector ({@code opamp} extension's {@code ppid}
 * gone) exits 1. See {@link Faults} for failures on request.
 *
 * <p><b>Thread safety:</b> the entry point; not for use as a library.
 */
public final class FakeCollectorMain {
  private static final String GATE_TABLE =
      "ID                          Enabled  Stage  Description\n"
          + "service.AllowNoPipelines    false    alpha  Allow starting the Collector without"
          + " starting any pipelines.\n"
          + "telemetry.UseLocalHostAsDefaultMetricsAddress  true  beta  Controls whether default"
          + " Prometheus metrics server use localhost as the default host for their endpoints\n";

  private final Function<String, @Nullable String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Log log = new Log();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicInteger exitCode = new AtomicInteger();
  private final Object lock = new Object();
  private @Nullable Service service;

  private FakeCollectorMain(
      Function<String, @Nullable String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    int code = new FakeCollectorMain(System::getenv, System.out, System.err).run(args);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Parsed command line. */
  private record Invocation(String command, List<String> configs, Set<String> featureGates) {}

  private int run(String[] args) {
    Invocation invocation;
    try {
      invocation = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    }
    Components components =
        Components.standard(
            "true".equalsIgnoreCase(env.apply("FAKE_OTELCOL_WITHOUT_OPAMP"))
                ? Components.OpampExtensionPresence.LEFT_OUT
                : Components.OpampExtensionPresence.INCLUDED);
    switch (invocation.command()) {
      case "version":
        out.println(Components.COMMAND + " version " + Components.VERSION);
        return 0;
      case "help":
        out.println(
            "Usage: otelcol [--config FILE]... [--feature-gates IDS] | validate --config FILE... |"
                + " components | featuregate | --version");
        return 0;
      case "components":
        out.print(components.describe());
        return 0;
      case "featuregate":
        out.print(GATE_TABLE);
        return 0;
      case "validate":
        try {
          load(invocation, components);
          return 0;
        } catch (InvalidConfigException e) {
          reportFailure(e.getMessage());
          return 1;
        }
      default:
        return runCollector(invocation, components);
    }
  }

  private static Invocation parse(String[] args) {
    String command = "run";
    List<String> configs = new ArrayList<>();
    Set<String> gates = new LinkedHashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--config") || arg.equals("--feature-gates")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag needs an argument: " + arg);
        }
        String value = args[++i];
        if (arg.equals("--config")) {
          configs.add(value);
        } else {
          addGates(gates, value);
        }
      } else if (arg.startsWith("--config=")) {
        configs.add(arg.substring("--config=".length()));
      } else if (arg.startsWith("--feature-gates=")) {
        addGates(gates, arg.substring("--feature-gates=".length()));
      } else if (arg.equals("--version") || arg.equals("-v")) {
        command = "version";
      } else if (arg.equals("--help") || arg.equals("-h")) {
        command = "help";
      } else if (!arg.startsWith("-") && command.equals("run")) {
        if (!List.of("validate", "components", "featuregate").contains(arg)) {
          throw new IllegalArgumentException(
              "unknown command \"" + arg + "\" for \"" + Components.COMMAND + "\"");
        }
        command = arg;
      } else {
        throw new IllegalArgumentException("unknown flag: " + arg);
      }
    }
    return new Invocation(command, configs, gates);
  }

  private static void addGates(Set<String> gates, String value) {
    for (String gate : value.split(",")) {
      String id = gate.trim();
      if (id.startsWith("-")) {
        gates.remove(id.substring(1));
      } else if (!id.isEmpty()) {
        gates.add(id.startsWith("+") ? id.substring(1) : id);
      }
    }
  }

  private CollectorConfig load(Invocation invocation, Components components) {
    Map<String, Object> tree = ConfigSources.resolve(invocation.configs(), env);
    for (String gate : invocation.featureGates()) {
      if (!gate.equals(CollectorConfig.ALLOW_NO_PIPELINES)
          && !gate.equals("telemetry.UseLocalHostAsDefaultMetricsAddress")) {
        throw new InvalidConfigException("no such feature gate \"" + gate + "\"");
      }
    }
    return CollectorConfig.check(tree, components, invocation.featureGates());
  }

  private void reportFailure(String message) {
    String prefix =
        message.startsWith("invalid configuration") || message.startsWith("no such feature gate")
            ? ""
            : "failed to get config: ";
    err.println("Error: " + prefix + message);
    err.println(
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT))
            + " collector server run finished with error: "
            + prefix
            + message);
  }

  private int runCollector(Invocation invocation, Components components) {
    CollectorConfig config;
    try {
      config = load(invocation, components);
    } catch (InvalidConfigException e) {
      reportFailure(e.getMessage());
      return 1;
    }
    log.configure(config.logs());
    log.info(
        "Starting "
            + Components.COMMAND
            + "... Version "
            + Components.VERSION
            + " NumCPU "
            + Runtime.getRuntime().availableProcessors());
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fake-otelcol");
              t.setDaemon(true);
              return t;
            });
    try {
      startService(config, components, scheduler);
    } catch (IOException | RuntimeException e) {
      log.error("Error starting the collector", e.getMessage());
      reportFailure("failed to start extensions: " + e.getMessage());
      return 1;
    }
    Signal.handle(new Signal("TERM"), sig -> shutdownRequested("SIGTERM"));
    Signal.handle(new Signal("INT"), sig -> shutdownRequested("SIGINT"));
    Signal.handle(new Signal("HUP"), sig -> reload(invocation, components, scheduler));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      if (service != null) {
        service.shutdown();
      }
    }
    log.info("Shutdown complete.");
    return exitCode.get();
  }

  private void startService(
      CollectorConfig config, Components components, ScheduledExecutorService scheduler)
      throws IOException {
    Service next = new Service(config, components, env, log, scheduler, this::fatal);
    synchronized (lock) {
      service = next;
    }
    next.start();
  }

  private void shutdownRequested(String signal) {
    Service current;
    synchronized (lock) {
      current = service;
    }
    if (current != null && current.faults().hangOnShutdown()) {
      log.warn("Received " + signal + ", ignoring it (fault: hang_on_shutdown)");
      return;
    }
    log.info("Received signal from OS, signal " + signal);
    stopped.countDown();
  }

  private void fatal() {
    exitCode.set(1);
    stopped.countDown();
  }

  private void reload(
      Invocation invocation, Components components, ScheduledExecutorService scheduler) {
    log.info("Received SIGHUP: reloading the configuration");
    CollectorConfig config;
    try {
      config = load(invocation, components);
    } catch (InvalidConfigException e) {
      log.error("Invalid configuration after reload", e.getMessage());
      exitCode.set(1);
      stopped.countDown();
      return;
    }
    synchronized (lock) {
      if (service != null) {
        service.shutdown();
      }
      log.configure(config.logs());
      try {
        startService(config, components, scheduler);
        log.info("Config updated, restarted the service");
      } catch (IOException | RuntimeException e) {
        log.error("Error restarting the collector after reload", e.getMessage());
        exitCode.set(1);
        stopped.countDown();
      }
    }
  }
}
