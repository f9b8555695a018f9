/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.opampfleet.tests.load.bench.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of the fleet load generator: {@code java -jar opampfleet-loadgen.jar --target
 * ws://127.0.0.1:4320/v1/opamp --agents 19000 --scenario idle --duration 120s}; {@code serve} runs
 * the bench server (or, with {@code --floor}, the bare Netty WebSocket floor) to measure against.
 */
@Command(
    name = "opampfleet-loadgen",
    mixinStandardHelpOptions = true,
    version = "opampfleet-loadgen 0.1.0",
    sortOptions = false,
    usageHelpWidth = 110,
    subcommands = {ServeCommand.class, LoadGeneratorMain.WorkerProcess.class},
    description = {
      "Simulates a fleet of OpAMP agents (WebSocket, plain-HTTP polling, or a mix) on a few event-loop"
          + " threads, spread over worker processes so each stays under the open-file cap, and"
          + " over loopback source addresses 127.0.0.x so each stays clear of the ephemeral-port"
          + " range. Runs one bounded scenario and stops by itself, with a progress line while it"
          + " runs, a summary at the end and, with --result, a JSON result.",
      "",
      "Scenarios: idle (connect, hold, heartbeat; server heap per agent and CPU), rollout (trigger"
          + " a rollout and time every agent's APPLIED/FAILED report), storm (drop every WebSocket"
          + " at once, or restart the server, and time the way back), poll (HTTP polling: polls/s"
          + " and latency), churn (health changes per second and their latency).",
      "",
      "Run a bench server first with the 'serve' subcommand (see 'serve --help')."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the run completed and every agent did what the scenario asked",
      "1:the run failed (a worker could not start or died, a trigger failed)",
      "2:invalid options",
      "3:the run completed but not every agent connected or finished the scenario's phase"
    })
public final class LoadGeneratorMain implements Callable<Integer> {

  /** The transports a run may use. */
  enum TransportChoice {
    /** Every agent on WebSocket. */
    WS,
    /** Every agent polls over plain HTTP. */
    HTTP,
    /** Some of each: see --http-fraction. */
    MIXED
  }

  @CommandLine.Spec private CommandLine.Model.@Nullable CommandSpec spec;

  @Option(
      names = "--target",
      paramLabel = "URI",
      description =
          "The OpAMP endpoint, e.g. ws://127.0.0.1:4320/v1/opamp. HTTP agents use the same host,"
              + " port and path over http. Required.")
  private @Nullable URI target;

  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      defaultValue = "idle",
      description = "idle, rollout, storm, poll or churn. Default: ${DEFAULT-VALUE}.")
  private Scenario scenario = Scenario.IDLE;

  @Option(
      names = "--agents",
      paramLabel = "N",
      defaultValue = "1000",
      description = "How many agents to simulate. Default: ${DEFAULT-VALUE}.")
  private int agents;

  @Option(
      names = "--transport",
      paramLabel = "KIND",
      description =
          "ws, http or mixed (see --http-fraction). Default: http for the poll scenario, ws"
              + " otherwise.")
  private @Nullable TransportChoice transport;

  @Option(
      names = "--http-fraction",
      paramLabel = "F",
      defaultValue = "0.5",
      description =
          "With --transport mixed: the share of agents that poll over HTTP. Default: 0.5.")
  private double httpFraction;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      defaultValue = "60s",
      converter = Durations.Converter.class,
      description =
          "How long the scenario phase lasts once every agent is connected (idle, poll, churn),"
              + " or at most (rollout, storm). Default: ${DEFAULT-VALUE}.")
  private Duration duration = Duration.ofSeconds(60);

  @Option(
      names = "--heartbeat",
      paramLabel = "TIME",
      defaultValue = "30s",
      converter = Durations.Converter.class,
      description = "WebSocket heartbeat interval (HB-01). Default: ${DEFAULT-VALUE}.")
  private Duration heartbeat = Duration.ofSeconds(30);

  @Option(
      names = "--poll-interval",
      paramLabel = "TIME",
      defaultValue = "30s",
      converter = Durations.Converter.class,
      description = "HTTP polling interval (HT-08). Default: ${DEFAULT-VALUE}.")
  private Duration pollInterval = Duration.ofSeconds(30);

  @Option(
      names = "--fail-fraction",
      paramLabel = "F",
      defaultValue = "0",
      description =
          "The share of agents that report FAILED for a remote config instead of APPLIED (a"
              + " stable draw per agent and config). Default: 0.")
  private double failFraction;

  @Option(
      names = "--apply-delay",
      paramLabel = "TIME",
      defaultValue = "0ms",
      converter = Durations.Converter.class,
      description =
          "How long an agent takes to apply a remote config, between APPLYING and the outcome."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration applyDelay = Duration.ZERO;

  @Option(
      names = "--connect-rate",
      paramLabel = "PER_S",
      defaultValue = "2000",
      description =
          "Agents connected per second while ramping up, all workers together. Default:"
              + " ${DEFAULT-VALUE} (the bench server admits 2,000/s by default).")
  private double connectRate;

  @Option(
      names = "--max-pending-connects",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Connections being set up at once, per worker. Default: ${DEFAULT-VALUE}.")
  private int maxPendingConnects;

  @Option(
      names = "--connect-timeout",
      paramLabel = "TIME",
      defaultValue = "120s",
      converter = Durations.Converter.class,
      description =
          "How long the connect phase may take before the scenario starts anyway. Default:"
              + " ${DEFAULT-VALUE}.")
  private Duration connectTimeout = Duration.ofSeconds(120);

  @Option(
      names = "--settle",
      paramLabel = "TIME",
      defaultValue = "5s",
      converter = Durations.Converter.class,
      description =
          "Wait after connecting before measuring the server's memory. Default: ${DEFAULT-VALUE}.")
  private Duration settle = Duration.ofSeconds(5);

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Worker processes (child JVMs of this jar). 0 picks the fewest that keep each under"
              + " --max-sockets-per-worker, and runs in this process when one suffices. Default: 0.")
  private int workers;

  @Option(
      names = "--max-sockets-per-worker",
      paramLabel = "N",
      defaultValue = "18000",
      description =
          "The most sockets one process may hold: keep it under the open-file limit (20,000"
              + " here, ~19,500 usable). Default: ${DEFAULT-VALUE}.")
  private int maxSocketsPerWorker;

  @Option(
      names = "--agents-per-source-address",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Sockets bound to one loopback source address (127.0.0.2, .3, ...) so none runs out of"
              + " ephemeral ports (~28,000 each, TIME_WAIT included); 0 binds no source address."
              + " Default: ${DEFAULT-VALUE}.")
  private int agentsPerSourceAddress;

  @Option(
      names = "--http-connections",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Keep-alive connections shared by all HTTP agents (split over workers and event loops)."
              + " Default: ${DEFAULT-VALUE}.")
  private int httpConnections;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      defaultValue = "1",
      description = "Event-loop threads per worker. Default: ${DEFAULT-VALUE}.")
  private int ioThreads;

  @Option(
      names = "--worker-jvm-options",
      paramLabel = "OPTS",
      defaultValue = "-Xms256m -Xmx1g -XX:+UseParallelGC",
      description = "JVM options of worker processes. Default: ${DEFAULT-VALUE}.")
  private String workerJvmOptions = "";

  @Option(
      names = "--admin-url",
      paramLabel = "URI",
      description =
          "The bench server's admin endpoint, e.g. http://127.0.0.1:4321: sets --metrics-url"
              + " (/metrics), --rollout-url (/rollout) and --restart-url (/restart).")
  private @Nullable URI adminUrl;

  @Option(
      names = "--metrics-url",
      paramLabel = "URI",
      description =
          "The server's Prometheus endpoint, read for heap, CPU and connected agents (server"
              + " heap per agent).")
  private @Nullable URI metricsUrl;

  @Option(
      names = "--rollout-url",
      paramLabel = "URI",
      description =
          "Where a request triggers a rollout: a POST to the bench server's /rollout, or a PUT to"
              + " the control plane's /api/v1/configs/NAME with --rollout-method PUT and"
              + " --rollout-body.")
  private @Nullable URI rolloutUrl;

  @Option(
      names = "--rollout-method",
      paramLabel = "METHOD",
      defaultValue = "POST",
      description =
          "The HTTP method of the rollout trigger: POST or PUT (the control plane saves a"
              + " configuration with PUT). Default: ${DEFAULT-VALUE}.")
  private String rolloutMethod = "POST";

  @Option(
      names = "--rollout-body",
      paramLabel = "FILE",
      description = "A JSON file to send to --rollout-url. Default: an empty body.")
  private @Nullable Path rolloutBody;

  @Option(
      names = "--restart-url",
      paramLabel = "URI",
      description = "Where a POST restarts the server (for --storm-mode server-restart).")
  private @Nullable URI restartUrl;

  @Option(
      names = "--header",
      paramLabel = "'NAME: VALUE'",
      description =
          "A header sent with every request to --metrics-url, --rollout-url and --restart-url (not"
              + " to the OpAMP endpoint), e.g. 'Authorization: Bearer <token>' for the control"
              + " plane's REST API. Repeatable. Values are left out of the JSON result.")
  private List<String> headers = new ArrayList<>();

  @Option(
      names = "--server-pid",
      paramLabel = "PID",
      defaultValue = "0",
      description =
          "A server JVM on this machine: before each heap reading the generator runs 'jcmd PID"
              + " GC.run' so the heap figure is the live set, for servers that ignore"
              + " /metrics?gc=true (the control plane). 0: none. Default: ${DEFAULT-VALUE}.")
  private long serverPid;

  @Option(
      names = "--rollouts",
      paramLabel = "N",
      defaultValue = "1",
      description = "How many rollouts the rollout scenario runs, one after the other. Default: 1.")
  private int rollouts;

  @Option(
      names = "--storm-mode",
      paramLabel = "MODE",
      defaultValue = "drop",
      converter = StormModeConverter.class,
      description =
          "drop: every agent closes its WebSocket at once and reconnects; server-restart: the"
              + " server is restarted through --restart-url. Default: ${DEFAULT-VALUE}.")
  private StormMode stormMode = StormMode.DROP;

  @Option(
      names = "--reconnect-jitter",
      paramLabel = "TIME",
      defaultValue = "0ms",
      converter = Durations.Converter.class,
      description =
          "The most an agent waits before reconnecting after a lost connection (0: at once, the"
              + " worst case). Later attempts back off exponentially with full jitter. Default:"
              + " ${DEFAULT-VALUE}.")
  private Duration reconnectJitter = Duration.ZERO;

  @Option(
      names = "--churn-rate",
      paramLabel = "PER_S",
      defaultValue = "100",
      description = "Health changes per second in the churn scenario. Default: ${DEFAULT-VALUE}.")
  private double churnRate;

  @Option(
      names = "--effective-config-bytes",
      paramLabel = "N",
      defaultValue = "2048",
      description = "Size of each agent's effective config (YAML). Default: ${DEFAULT-VALUE}.")
  private int effectiveConfigBytes;

  @Option(
      names = "--progress",
      paramLabel = "TIME",
      defaultValue = "5s",
      converter = Durations.Converter.class,
      description = "How often the progress line is printed. Default: ${DEFAULT-VALUE}.")
  private Duration progress = Duration.ofSeconds(5);

  @Option(
      names = "--result",
      paramLabel = "FILE",
      description = "Write the result as JSON to this file.")
  private @Nullable Path result;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of the random choices (failures, churn). Default: random.")
  private @Nullable Long seed;

  /** Runs the command line; exits with the run's exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Returns the configured command line, for tests and {@link #main}. */
  static CommandLine commandLine() {
    return new CommandLine(new LoadGeneratorMain()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() throws IOException {
    LoadOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      throw usageError(e);
    }
    Coordinator coordinator;
    try {
      coordinator = new Coordinator(options, System.out);
    } catch (IllegalArgumentException e) {
      throw usageError(e);
    }
    Map<String, Object> outcome = coordinator.run();
    Summary.print(outcome, System.out);
    if (result != null) {
      Files.writeString(
          result,
          Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(outcome) + "\n",
          StandardCharsets.UTF_8);
      System.out.println("wrote " + result.toAbsolutePath());
    }
    return (Integer) outcome.get("exit_code");
  }

  /**
   * Builds the validated options.
   *
   * @throws IllegalArgumentException naming a bad option
   * @throws IOException if the rollout body cannot be read
   */
  LoadOptions options() throws IOException {
    if (target == null) {
      throw new IllegalArgumentException(
          "--target: not set (expected: the OpAMP endpoint, e.g. ws://127.0.0.1:4320/v1/opamp)");
    }
    TransportChoice choice =
        transport != null
            ? transport
            : scenario == Scenario.POLL ? TransportChoice.HTTP : TransportChoice.WS;
    TransportMix mix =
        switch (choice) {
          case WS -> TransportMix.WEBSOCKET;
          case HTTP -> TransportMix.HTTP;
          case MIXED -> new TransportMix(httpFraction);
        };
    String admin = adminUrl == null ? null : adminUrl.toString().replaceAll("/+$", "");
    return new LoadOptions(
        target,
        scenario,
        agents,
        mix,
        duration,
        heartbeat,
        pollInterval,
        failFraction,
        applyDelay,
        connectRate,
        maxPendingConnects,
        connectTimeout,
        settle,
        workers,
        maxSocketsPerWorker,
        agentsPerSourceAddress,
        httpConnections,
        ioThreads,
        workerJvmOptions,
        metricsUrl != null ? metricsUrl : admin == null ? null : URI.create(admin + "/metrics"),
        rolloutUrl != null ? rolloutUrl : admin == null ? null : URI.create(admin + "/rollout"),
        rolloutMethod.strip().toUpperCase(Locale.ROOT),
        rolloutBody == null ? null : Files.readString(rolloutBody, StandardCharsets.UTF_8),
        restartUrl != null ? restartUrl : admin == null ? null : URI.create(admin + "/restart"),
        headers,
        serverPid,
        rollouts,
        stormMode,
        reconnectJitter,
        churnRate,
        effectiveConfigBytes,
        progress,
        seed != null ? seed : ThreadLocalRandom.current().nextLong());
  }

  private CommandLine.ParameterException usageError(IllegalArgumentException e) {
    CommandLine.Model.CommandSpec s = java.util.Objects.requireNonNull(spec, "spec");
    return new CommandLine.ParameterException(s.commandLine(), e.getMessage(), e);
  }

  /** Reads {@code drop} and {@code server-restart} (either case, - or _). */
  static final class StormModeConverter implements CommandLine.ITypeConverter<StormMode> {
    @Override
    public StormMode convert(String value) {
      try {
        return StormMode.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "storm mode: " + value + " (expected: drop or server-restart)");
      }
    }
  }

  /**
   * A worker process: reads its spec and then commands from standard input, writes events to
   * standard output. Started by the coordinator; not for people.
   */
  @Command(name = "worker", hidden = true, description = "Internal: a worker process.")
  static final class WorkerProcess implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      PrintStream out = System.out;
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String specLine = in.readLine();
      if (specLine == null) {
        return 1;
      }
      WorkerSpec spec = Json.MAPPER.readValue(specLine, WorkerSpec.class);
      boolean[] failed = {false};
      Worker worker =
          new Worker(
              spec.options(),
              spec.plan(),
              event -> {
                failed[0] |= event.type() == WorkerEvent.Type.FAILED;
                String line;
                try {
                  line = WorkerEvent.LINE_PREFIX + Json.MAPPER.writeValueAsString(event);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                synchronized (out) {
                  out.println(line);
                  out.flush();
                }
              });
      worker.start();
      if (failed[0]) {
        return 1;
      }
      String line;
      while ((line = in.readLine()) != null) {
        WorkerCommand command = Json.MAPPER.readValue(line, WorkerCommand.class);
        worker.handle(command);
        if (command.type() == WorkerCommand.Type.STOP) {
          break;
        }
      }
      worker.stop(); // also when the coordinator went away (end of input)
      return 0;
    }
  }
}
