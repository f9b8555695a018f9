/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.client.TelemetrySignal;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.InstanceUidGenerator;
import org.opampfleet.supervisor.config.ConfigException;
import org.opampfleet.supervisor.config.EffectiveConfigComposer;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.opampfleet.supervisor.health.HealthEndpoint;
import org.opampfleet.supervisor.link.AgentDescriptions;
import org.opampfleet.supervisor.link.CollectorLink;
import org.opampfleet.supervisor.link.UpstreamLink;
import org.opampfleet.supervisor.process.CollectorCommands;
import org.opampfleet.supervisor.process.CollectorProcess;
import org.opampfleet.supervisor.process.LogCapture;
import org.opampfleet.supervisor.process.RestartPolicy;
import org.opampfleet.supervisor.state.BootstrapCache;
import org.opampfleet.supervisor.state.PersistentState;
import org.opampfleet.supervisor.state.StateStore;
import org.opampfleet.supervisor.state.StorageDirectory;
import org.opampfleet.supervisor.telemetry.OtlpMetricsExporter;
import org.opampfleet.supervisor.telemetry.SupervisorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running supervisor: owns the start-up and shutdown order and wires the parts together; the
 * agent's behaviour lives in {@link AgentController}.
 *
 * <p>Start-up (compat reference 2.1, with our changes): check the fallback configs; open the
 * storage and the persistent state (instance UID); build the upstream link with the description
 * known so far and the persisted remote config status (RC-11); if a bootstrap cache matches the
 * binary, connect upstream at once; start the health endpoint and the local OpAMP server (one port
 * for the run); otherwise probe the feature gates and run the bootstrap, then connect upstream;
 * finally compose the first configuration and run the collector. Start-up never waits for the
 * server.
 *
 * <p>Shutdown (compat 6.4): stop the collector (SIGTERM, then SIGKILL after {@code
 * agent.stop_timeout}), stop the local server and the health endpoint, report "Supervisor is
 * shutdown" and disconnect upstream.
 *
 * <p><b>Thread safety:</b> thread-safe; {@link #close()} may be called from any thread (a shutdown
 * hook).
 *
 * <p><b>Threads:</b> one loop thread ({@code supervisor}) runs the controller; the upstream client
 * has its own; the local server one Netty event loop; the collector's output two pump threads.
 */
public final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  private final SupervisorConfig config;
  private final ScheduledThreadPoolExecutor loop;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Runnable> deferred = new ArrayList<>();
  private final BlockingQueue<AgentToServer> bootstrapMessages = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private volatile boolean bootstrapping;
  // Loop-confined.
  private boolean started;
  private @Nullable AgentController controller;
  private @Nullable UpstreamLink upstream;
  private @Nullable CollectorLink link;
  private @Nullable LogCapture logCapture;

  private Supervisor(SupervisorConfig config) {
    this.config = config;
    this.loop =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(null, r, "supervisor", 256 * 1024);
              t.setDaemon(true);
              return t;
            });
    this.loop.setRemoveOnCancelPolicy(true);
    this.loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Starts a supervisor. Returns once the collector is being started; the upstream connection is
   * made in the background.
   *
   * @throws ConfigException if the configuration is refused at start (fallback configs invalid)
   * @throws IllegalStateException if start-up fails (storage unusable, port taken, collector binary
   *     cannot run)
   */
  public static Supervisor start(SupervisorConfig config) {
    Supervisor supervisor = new Supervisor(config);
    try {
      supervisor.startUp();
    } catch (RuntimeException | IOException e) {
      supervisor.close();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
    return supervisor;
  }

  private void startUp() throws IOException {
    Clock clock = Clock.systemUTC();
    SupervisorConfig.Agent agent = config.agent();
    CollectorCommands commands =
        new CollectorCommands(agent.executable(), agent.args(), agent.env());
    checkFallbackConfigs(commands);
    StorageDirectory storage = StorageDirectory.open(config.storageDirectory());
    StateStore store = new StateStore(storage, LOG::warn);
    PersistentState state =
        store.loadOrCreateState(agent.instanceId(), InstanceUidGenerator.system()::next);
    LOG.info("Instance UID {} (storage {})", state.instanceId(), storage.path());
    stopStaleCollector(store, storage);
    SupervisorMetrics metrics = new SupervisorMetrics(clock);
    int tailBudget = Math.max(agent.crashLogSnippetKib(), 4) * 1024;
    LogCapture capture =
        agent.passthroughLogs()
            ? LogCapture.passthrough(tailBudget)
            : LogCapture.toFile(
                storage.resolve(StorageDirectory.AGENT_LOG),
                agent.logRotation().maxSizeBytes(),
                agent.logRotation().maxBackups(),
                tailBudget);
    this.logCapture = capture;
    boolean collectorMode = agent.mode() == SupervisorConfig.AgentMode.COLLECTOR;
    String fingerprint = Bootstrap.fingerprint(agent);
    Optional<BootstrapCache> cache =
        collectorMode ? Bootstrap.usable(store.bootstrapCache(), fingerprint) : Optional.empty();
    AgentDescription description =
        cache
            .map(BootstrapCache::description)
            .map(d -> AgentDescriptions.withInstanceId(d, state.instanceId()))
            .orElseGet(() -> AgentDescriptions.minimal(agent.executable(), state.instanceId()));
    DeferredUpstream port = new DeferredUpstream();
    RunningAgent.Launcher launcher =
        command ->
            new ProcessAgent(CollectorProcess.start(command, agent.env(), null, capture, clock));
    AgentController agentController =
        new AgentController(
            config,
            store,
            state,
            new EffectiveConfigComposer(System::getenv, LOG::warn),
            commands,
            loop,
            clock,
            metrics,
            port,
            launcher,
            capture,
            new RestartPolicy(agent.restart(), new SplittableRandom()),
            AgentDescriptions.withOverrides(description, agent.description()),
            ProcessHandle.current().pid());
    this.controller = agentController;
    if (cache.isPresent()) {
      BootstrapCache c = cache.get();
      agentController.setFeatureGates(c.featureGates().contains("service.AllowNoPipelines"));
      agentController.setLearned(
          AgentDescriptions.withInstanceId(c.description(), state.instanceId()), c.components());
    }
    UpstreamLink up =
        UpstreamLink.create(
            config,
            state.instanceId(),
            agentController.reportedDescription(),
            agentController::effectiveConfig,
            config.capabilities().acceptsOpampConnectionSettings()
                ? store.connectionSettings().orElse(null)
                : null,
            new UpstreamEvents(store));
    this.upstream = up;
    port.target = up;
    state
        .status()
        .ifPresent(
            status -> {
              if (config.capabilities().reportsRemoteConfig()) {
                up.setRemoteConfigStatus(status);
              }
            });
    up.setHealth(
        HealthReports.unhealthy(
            HealthReports.STARTING,
            "the supervisor is starting the collector",
            java.time.Instant.EPOCH,
            clock.instant()));
    if (cache.isPresent() || !collectorMode) {
      publishComponents(up, agentController.components());
      up.start();
    }
    if (config.healthcheck().isEnabled()) {
      closeables.add(
          HealthEndpoint.start(
              config.healthcheck().host(),
              config.healthcheck().port(),
              new HealthEndpoint.Source() {
                @Override
                public @Nullable String healthProblem() {
                  return agentController.healthProblem();
                }

                @Override
                public @Nullable String readinessProblem() {
                  return agentController.readinessProblem();
                }
              },
              () -> metrics.toPrometheusText(resource(state.instanceId()))));
    }
    for (SupervisorConfig.PrometheusReader reader : config.telemetry().metrics().prometheus()) {
      closeables.add(
          HealthEndpoint.start(
              reader.host(),
              reader.port(),
              null,
              () -> metrics.toPrometheusText(resource(state.instanceId()))));
    }
    for (SupervisorConfig.OtlpReader reader : config.telemetry().metrics().otlp()) {
      closeables.add(
          OtlpMetricsExporter.start(reader, metrics, resource(state.instanceId()), loop));
    }
    if (collectorMode) {
      CollectorLink local = CollectorLink.start(agent.opampServerPort(), new LinkEvents(), loop);
      this.link = local;
      agentController.setLink(local.port(), local.token(), local::latestConnection);
      if (cache.isEmpty()) {
        bootstrapping = true;
        Bootstrap.Result learned;
        try {
          learned =
              Bootstrap.run(
                  config,
                  state.instanceId(),
                  commands,
                  launcher,
                  storage.resolve(StorageDirectory.EFFECTIVE_CONFIG),
                  nop ->
                      EffectiveConfigComposer.composeBootstrap(
                          nop, agentController.extensionSnippet()),
                  store::writeEffectiveConfig,
                  bootstrapMessages);
        } finally {
          bootstrapping = false;
          bootstrapMessages.clear();
        }
        agentController.setFeatureGates(learned.allowNoPipelines());
        if (learned.description() != null) {
          agentController.setLearned(learned.description(), learned.components());
          store.saveBootstrapCache(
              new BootstrapCache(
                  fingerprint,
                  List.copyOf(learned.featureGates()),
                  learned.description(),
                  learned.components()));
          up.setAgentDescription(agentController.reportedDescription());
        } else {
          agentController.setLearned(null, learned.components());
          up.setHealth(
              HealthReports.unhealthy(
                  HealthReports.STARTING,
                  "bootstrap: " + learned.problem(),
                  java.time.Instant.EPOCH,
                  clock.instant()));
        }
        publishComponents(up, agentController.components());
        up.start();
      }
    }
    loop.execute(
        () -> {
          agentController.startUp();
          started = true;
          for (Runnable task : deferred) {
            task.run();
          }
          deferred.clear();
        });
  }

  private void publishComponents(UpstreamLink up, @Nullable AvailableComponents components) {
    if (components != null && config.capabilities().reportsAvailableComponents()) {
      up.setAvailableComponents(components);
    }
  }

  private static java.util.Map<String, String> resource(InstanceUid uid) {
    return java.util.Map.of(
        "service.name", "opamp-supervisor", "service.instance.id", uid.toString());
  }

  private void checkFallbackConfigs(CollectorCommands commands) {
    List<Path> fallbacks = config.agent().startupFallbackConfigs();
    if (fallbacks.isEmpty() || config.agent().mode() != SupervisorConfig.AgentMode.COLLECTOR) {
      return;
    }
    CollectorCommands.Result result =
        commands.validate(fallbacks, List.of(), Duration.ofSeconds(10));
    if (!result.succeeded()) {
      throw new ConfigException(
          "agent::startup_fallback_configs are not a valid collector configuration: "
              + result.output());
    }
  }

  /** Compat 7 #4: a collector left running by a supervisor that was killed is stopped first. */
  private void stopStaleCollector(StateStore store, StorageDirectory storage) {
    Optional<Long> pid = store.collectorPid();
    if (pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
    if (handle.isPresent()) {
      String marker = storage.resolve(StorageDirectory.EFFECTIVE_CONFIG).toString();
      ProcessHandle.Info info = handle.get().info();
      boolean ours =
          info.command().map(c -> c.equals(config.agent().executable().toString())).orElse(false)
              || info.arguments().map(a -> List.of(a).contains(marker)).orElse(false);
      if (ours) {
        LOG.warn("Stopping a collector (PID {}) left behind by an earlier supervisor", pid.get());
        handle.get().destroy();
        try {
          handle.get().onExit().get(config.agent().stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
          handle.get().descendants().forEach(ProcessHandle::destroyForcibly);
          handle.get().destroyForcibly();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    store.saveCollectorPid(null);
  }

  /** Runs {@code task} on the loop once start-up composed the first config; events wait for it. */
  private void onLoop(Runnable task) {
    try {
      loop.execute(
          () -> {
            if (started) {
              task.run();
            } else {
              deferred.add(task);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Shutting down.
    }
  }

  /** Returns the instance UID in use. */
  public InstanceUid instanceUid() {
    UpstreamLink up = upstream;
    return up != null ? up.instanceUid() : controller.instanceUid();
  }

  /** Returns the local OpAMP server's port, or 0 in generic mode. */
  public int localOpampPort() {
    CollectorLink l = link;
    return l == null ? 0 : l.port();
  }

  /** Stops the collector and disconnects (compat reference 6.4). Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Shutting down");
    AgentController c = controller;
    if (c != null) {
      try {
        loop.submit(c::shutdown)
            .get(config.agent().stopTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException
          | TimeoutException
          | java.util.concurrent.RejectedExecutionException e) {
        LOG.warn("Stopping the collector did not finish cleanly: {}", e.toString());
      }
    }
    if (link != null) {
      link.close();
    }
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.debug("Closing {} failed: {}", closeable, e.toString());
      }
    }
    UpstreamLink up = upstream;
    if (up != null) {
      up.setHealth(HealthReports.shutdown(java.time.Instant.now()));
      up.close();
    }
    loop.shutdownNow();
    if (logCapture != null) {
      logCapture.close();
    }
  }

  /** The upstream link's events, handed to the loop. */
  private final class UpstreamEvents implements UpstreamLink.Listener {
    private final StateStore store;
    // Runs on the client's callback lane only.
    private int failuresInARow;

    UpstreamEvents(StateStore store) {
      this.store = store;
    }

    @Override
    public void onConnected() {
      failuresInARow = 0;
      LOG.info("Connected to the OpAMP server");
      onLoop(() -> controller.onUpstreamConnected());
    }

    @Override
    public void onConnectFailed(Throwable cause) {
      failuresInARow++;
      if (failuresInARow == 1 || Integer.bitCount(failuresInARow) == 1) {
        // First failure, then every 2nd, 4th, 8th…: offline hosts do not flood the log.
        LOG.info(
            "Cannot reach the OpAMP server ({}; {} attempt(s)); retrying with backoff",
            cause.getMessage(),
            failuresInARow);
      }
      onLoop(() -> controller.onUpstreamConnectFailed());
    }

    @Override
    public void onRemoteConfig(AgentRemoteConfig config) {
      onLoop(() -> controller.onRemoteConfig(config));
    }

    @Override
    public void onOwnTelemetry(TelemetrySignal signal, TelemetryConnectionSettings settings) {
      onLoop(() -> controller.onOwnTelemetry(signal, settings));
    }

    @Override
    public void onNewInstanceUid(InstanceUid uid) {
      onLoop(() -> controller.onNewInstanceUid(uid));
    }

    @Override
    public void onRestartCommand() {
      onLoop(() -> controller.onRestartCommand());
    }

    @Override
    public void onCustomMessage(CustomMessage message) {
      CollectorLink l = link;
      if (l != null) {
        l.sendCustomMessage(message);
      }
    }

    @Override
    public void onConnectionSettingsApplied(OpAMPConnectionSettings settings) {
      LOG.info("The server's new OpAMP connection settings work: keeping them");
      store.saveConnectionSettings(settings);
    }
  }

  /** The local link's events: to the bootstrap while it runs, else to the loop. */
  private final class LinkEvents implements CollectorLink.Listener {
    @Override
    public void onCollectorConnected(long connection) {
      if (!bootstrapping) {
        onLoop(() -> controller.onCollectorConnected(connection));
      }
    }

    @Override
    public void onCollectorMessage(long connection, AgentToServer message) {
      if (bootstrapping) {
        bootstrapMessages.offer(message);
      } else {
        onLoop(() -> controller.onCollectorMessage(connection, message));
      }
    }

    @Override
    public void onCollectorDisconnected(long connection) {
      if (!bootstrapping) {
        onLoop(() -> controller.onCollectorDisconnected(connection));
      }
    }
  }

  /** Forwards to the upstream link once it exists. */
  private static final class DeferredUpstream implements UpstreamPort {
    volatile @Nullable UpstreamLink target;

    @Override
    public void setHealth(ComponentHealth health) {
      UpstreamLink t = target;
      if (t != null) {
        t.setHealth(health);
      }
    }

    @Override
    public void setRemoteConfigStatus(RemoteConfigStatus status) {
      UpstreamLink t = target;
      if (t != null) {
        t.setRemoteConfigStatus(status);
      }
    }

    @Override
    public void updateEffectiveConfig() {
      UpstreamLink t = target;
      if (t != null) {
        t.updateEffectiveConfig();
      }
    }

    @Override
    public void setAgentDescription(AgentDescription description) {
      UpstreamLink t = target;
      if (t != null) {
        t.setAgentDescription(description);
      }
    }

    @Override
    public void setAvailableComponents(AvailableComponents components) {
      UpstreamLink t = target;
      if (t != null) {
        t.setAvailableComponents(components);
      }
    }

    @Override
    public void setCustomCapabilities(CustomCapabilities capabilities) {
      UpstreamLink t = target;
      if (t != null) {
        t.setCustomCapabilities(capabilities);
      }
    }

    @Override
    public void sendCustomMessage(CustomMessage message) {
      UpstreamLink t = target;
      if (t != null) {
        t.sendCustomMessage(message);
      }
    }
  }

  /** A {@link CollectorProcess} seen as a {@link RunningAgent}. */
  private record ProcessAgent(CollectorProcess process) implements RunningAgent {
    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public java.time.Instant startedAt() {
      return process.startedAt();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Integer> exit() {
      return process.exit();
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public boolean isStopRequested() {
      return process.isStopRequested();
    }

    @Override
    public void reload() throws IOException {
      process.reload();
    }

    @Override
    public int stop(Duration grace) {
      return process.stop(grace);
    }
  }
}
