/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.client.TelemetrySignal;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.supervisor.config.CompositionException;
import org.opampfleet.supervisor.config.ConfigSnippets;
import org.opampfleet.supervisor.config.EffectiveConfigComposer;
import org.opampfleet.supervisor.config.GoDuration;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.opampfleet.supervisor.health.HealthProbe;
import org.opampfleet.supervisor.link.AgentDescriptions;
import org.opampfleet.supervisor.process.CollectorCommands;
import org.opampfleet.supervisor.process.LogCapture;
import org.opampfleet.supervisor.process.RestartPolicy;
import org.opampfleet.supervisor.state.PersistentState;
import org.opampfleet.supervisor.state.StateStore;
import org.opampfleet.supervisor.state.StorageDirectory;
import org.opampfleet.supervisor.telemetry.SupervisorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's state machine: remote configuration, composition, apply windows and their honest
 * statuses, rollback, restarts with backoff, crash loops and health. Everything runs on one thread
 * (the supervisor's loop), so nothing here needs a lock; the only exceptions are the {@code
 * volatile} snapshots read by the health endpoint and the upstream client.
 *
 * <p>Statuses (compat reference 5): a remote config is reported APPLYING when received and changed,
 * APPLIED once the collector has stayed healthy for {@code config_apply_settle_time} (at most
 * {@code config_apply_timeout} after the change, BETTER than upstream's fixed wait), FAILED at once
 * when it cannot be composed, fails validation, exits, reports a permanent error, or is not healthy
 * when the timeout fires, always with the reason (validation output, collector log tail). With
 * {@code automatic_config_rollback} a failure restores the last configuration that ran healthy and
 * reports APPLIED with its hash: {@code APPLIED(A) → APPLYING(B) → FAILED(B) → APPLIED(A)}. A
 * configuration that failed is re-applied when the server sends it again only after a growing
 * back-off (compat 5.6), so a server that resends on hash mismatch cannot make it flip-flop.
 *
 * <p><b>Thread safety:</b> confined to the loop thread; public-ish entry points must be called on
 * it (the {@link Supervisor} hands every event over with {@code loop.execute}).
 */
final class AgentController {
  private static final Logger LOG = LoggerFactory.getLogger(AgentController.class);
  private static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MAX_FAILED_RETRY = Duration.ofHours(1);
  private static final Duration FIRST_FAILED_RETRY = Duration.ofSeconds(30);

  /** What caused a change of the composed configuration. */
  enum Cause {
    /** A remote config arrived: statuses are reported for its hash. */
    REMOTE,
    /** Own telemetry, a new UID, leaving the fallback: reported against the current remote hash. */
    INTERNAL,
    /** Rollback to the last working config: APPLIED is reported with its hash. */
    ROLLBACK
  }

  private final SupervisorConfig config;
  private final StateStore store;
  private final EffectiveConfigComposer composer;
  private final CollectorCommands commands;
  private final ScheduledExecutorService loop;
  private final Clock clock;
  private final SupervisorMetrics metrics;
  private final UpstreamPort upstream;
  private final RunningAgent.Launcher launcher;
  private final LogCapture logCapture;
  private final RestartPolicy restartPolicy;
  private final @Nullable HealthProbe probe;
  private final boolean collectorMode;
  private final long supervisorPid;

  // Set once wiring is done.
  private int linkPort;
  private String linkToken = "";
  private java.util.function.LongSupplier latestConnection = () -> 0;
  // Messages from connections numbered below this come from a process that was stopped.
  private long firstCurrentConnection = 1;
  private boolean nopPipelineNeeded = true;
  private List<String> featureGateArgs = List.of();

  private PersistentState state;
  private @Nullable InstanceUid previousUid;
  private @Nullable AgentDescription collectorDescription;
  private AgentDescription reportedDescription;
  private @Nullable AvailableComponents components;
  private @Nullable AgentRemoteConfig remoteConfig;
  private @Nullable AgentRemoteConfig activeRemoteConfig;
  // The remote config that composed what runs (or is about to run).
  private @Nullable AgentRemoteConfig runningRemote;
  private @Nullable AgentRemoteConfig lastWorking;
  private ConnectionSettingsOffers ownTelemetry = ConnectionSettingsOffers.getDefaultInstance();
  private @Nullable String composed;
  private boolean stoppedOnPurpose;
  private boolean runningRestored;
  private boolean fallbackInUse;
  private boolean everConnected;
  private final Map<ByteString, Failure> failures = new HashMap<>();

  private @Nullable RunningAgent process;
  private @Nullable ScheduledFuture<?> restartTask;
  private @Nullable ScheduledFuture<?> connectWatch;
  private @Nullable ScheduledFuture<?> probeTask;
  private @Nullable ApplyWindow window;
  private @Nullable ComponentHealth lastHealth;
  private boolean healthySinceStart;
  private boolean heardFromCollector;
  private boolean pendingReload;
  private boolean shuttingDown;

  private volatile String effectiveForUpstream = "";
  private volatile @Nullable String readinessProblem = "the collector has not started yet";
  private volatile boolean composedOnce;

  AgentController(
      SupervisorConfig config,
      StateStore store,
      PersistentState state,
      EffectiveConfigComposer composer,
      CollectorCommands commands,
      ScheduledExecutorService loop,
      Clock clock,
      SupervisorMetrics metrics,
      UpstreamPort upstream,
      RunningAgent.Launcher launcher,
      LogCapture logCapture,
      RestartPolicy restartPolicy,
      AgentDescription initialDescription,
      long supervisorPid) {
    this.config = config;
    this.store = store;
    this.state = state;
    this.composer = composer;
    this.commands = commands;
    this.loop = loop;
    this.clock = clock;
    this.metrics = metrics;
    this.upstream = upstream;
    this.launcher = launcher;
    this.logCapture = logCapture;
    this.restartPolicy = restartPolicy;
    this.collectorMode = config.agent().mode() == SupervisorConfig.AgentMode.COLLECTOR;
    this.reportedDescription = initialDescription;
    this.supervisorPid = supervisorPid;
    this.probe = probeOf(config);
  }

  private static @Nullable HealthProbe probeOf(SupervisorConfig config) {
    SupervisorConfig.Generic g = config.agent().generic();
    return config.agent().mode() == SupervisorConfig.AgentMode.GENERIC && g.healthUrl() != null
        ? new HealthProbe(g.healthUrl(), g.healthTimeout())
        : null;
  }

  /** A remote config that failed: how often, why, and when it may be tried again. */
  private record Failure(int count, Instant retryAfter, String reason) {}

  /** An open apply window (compat reference 5.2). */
  private static final class ApplyWindow {
    final Cause cause;
    final ByteString hash;
    @Nullable ScheduledFuture<?> timeout;
    @Nullable ScheduledFuture<?> settle;

    ApplyWindow(Cause cause, ByteString hash) {
      this.cause = cause;
      this.hash = hash;
    }

    void cancel() {
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (settle != null) {
        settle.cancel(false);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring and start-up

  /** Sets the local link's port and token, which go into the extension snippet. */
  void setLink(int port, String token, java.util.function.LongSupplier latestConnection) {
    this.linkPort = port;
    this.linkToken = token;
    this.latestConnection = latestConnection;
  }

  /** Sets what the feature-gate probe found. */
  void setFeatureGates(boolean allowNoPipelines) {
    this.nopPipelineNeeded = !allowNoPipelines;
    this.featureGateArgs =
        allowNoPipelines ? List.of("--feature-gates", "service.AllowNoPipelines") : List.of();
  }

  /** Sets what bootstrap (or its cache) learned. */
  void setLearned(@Nullable AgentDescription description, @Nullable AvailableComponents learned) {
    this.collectorDescription = description;
    if (description != null) {
      this.reportedDescription =
          AgentDescriptions.withOverrides(description, config.agent().description());
    }
    this.components = learned;
  }

  AgentDescription reportedDescription() {
    return reportedDescription;
  }

  @Nullable AvailableComponents components() {
    return components;
  }

  InstanceUid instanceUid() {
    return state.instanceId();
  }

  /**
   * Composes the first configuration and runs the agent (compat reference 2.1 steps 11 and 12): the
   * persisted remote config (or, when it is persisted as FAILED, the last working one), else the
   * start-up fallback when the server was never reached, else the local files.
   */
  void startUp() {
    SupervisorConfig.Capabilities caps = config.capabilities();
    lastWorking = store.lastWorkingRemoteConfig().orElse(null);
    if (caps.reportsAnyOwnTelemetry()) {
      ownTelemetry = store.ownTelemetry().orElse(ConnectionSettingsOffers.getDefaultInstance());
    }
    Optional<AgentRemoteConfig> persisted =
        caps.acceptsRemoteConfig() ? store.lastReceivedRemoteConfig() : Optional.empty();
    if (persisted.isPresent()) {
      remoteConfig = persisted.get();
      activeRemoteConfig = remoteConfig;
      RemoteConfigStatus status = state.lastRemoteConfigStatus();
      boolean failedBefore =
          status != null
              && status.getStatus() == RemoteConfigStatuses.RemoteConfigStatuses_FAILED
              && status.getLastRemoteConfigHash().equals(remoteConfig.getConfigHash());
      if (failedBefore) {
        // Compat 7 #9: never start with a config persisted as FAILED.
        if (lastWorking != null) {
          LOG.warn(
              "The last remote config {} failed before; starting with the last working one {}",
              hex(remoteConfig.getConfigHash()),
              hex(lastWorking.getConfigHash()));
          activeRemoteConfig = lastWorking;
          runningRestored = true;
        } else {
          LOG.warn(
              "The last remote config {} failed before; starting without a remote config",
              hex(remoteConfig.getConfigHash()));
          activeRemoteConfig = null;
        }
        failures.put(
            remoteConfig.getConfigHash(),
            new Failure(1, clock.instant().plus(FIRST_FAILED_RETRY), status.getErrorMessage()));
      }
    } else if (!config.agent().startupFallbackConfigs().isEmpty() && !everConnected) {
      fallbackInUse = true;
      metrics.setFallbackInUse(true);
      LOG.info("No remote config is persisted: starting with agent::startup_fallback_configs");
    }
    String first;
    try {
      first = compose(activeRemoteConfig);
    } catch (CompositionException e) {
      LOG.error("The persisted remote config cannot be used: {}", e.getMessage());
      if (remoteConfig != null) {
        reportStatus(
            remoteConfig.getConfigHash(),
            RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
            e.getMessage());
      }
      activeRemoteConfig = null;
      first = composeOrEmpty(null);
    }
    composed = first;
    runningRemote = activeRemoteConfig;
    composedOnce = true;
    publishEffective(first);
    if (isEmptyMap(activeRemoteConfig)) {
      writeComposed(first);
      stopOnPurpose();
      return;
    }
    writeComposed(first);
    startAgent();
    RemoteConfigStatus status = state.lastRemoteConfigStatus();
    if (remoteConfig != null
        && status != null
        && status.getStatus() == RemoteConfigStatuses.RemoteConfigStatuses_APPLYING
        && status.getLastRemoteConfigHash().equals(remoteConfig.getConfigHash())
        && !runningRestored) {
      // The supervisor stopped in the middle of an apply: settle the status now.
      openWindow(Cause.REMOTE, remoteConfig.getConfigHash());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Upstream events

  void onUpstreamConnected() {
    metrics.setUpstreamConnected(true);
    boolean first = !everConnected;
    everConnected = true;
    if (first && fallbackInUse) {
      LOG.info("Reached the OpAMP server: leaving the start-up fallback config");
      fallbackInUse = false;
      metrics.setFallbackInUse(false);
      recompose(Cause.INTERNAL);
    }
  }

  void onUpstreamConnectFailed() {
    metrics.setUpstreamConnected(false);
  }

  /** A remote config offer (compat reference 5.1). */
  void onRemoteConfig(AgentRemoteConfig offered) {
    if (!config.capabilities().acceptsRemoteConfig()) {
      LOG.warn("Ignoring a remote config: capabilities::accepts_remote_config is false");
      return;
    }
    ByteString hash = offered.getConfigHash();
    if (remoteConfig != null && remoteConfig.getConfigHash().equals(hash) && !hash.isEmpty()) {
      if (window != null && window.cause == Cause.REMOTE && window.hash.equals(hash)) {
        LOG.debug("The server resent remote config {} while it is being applied", hex(hash));
        return;
      }
      Failure failure = failures.get(hash);
      if (failure != null && clock.instant().isBefore(failure.retryAfter())) {
        refuseFailedAgain(hash, failure);
        return;
      }
      if (failure == null && !runningRestored) {
        RemoteConfigStatus status = state.lastRemoteConfigStatus();
        if (status != null && status.getLastRemoteConfigHash().equals(hash)) {
          // A resend of what runs: report the same status again (never a blind APPLIED).
          reportStatus(hash, status.getStatus(), status.getErrorMessage());
          return;
        }
      }
    } else {
      Failure failure = failures.get(hash);
      if (failure != null && clock.instant().isBefore(failure.retryAfter())) {
        remoteConfig = offered;
        store.saveLastReceivedRemoteConfig(offered);
        refuseFailedAgain(hash, failure);
        return;
      }
    }
    runningRestored = false;
    store.saveLastReceivedRemoteConfig(offered);
    remoteConfig = offered;
    activeRemoteConfig = offered;
    if (fallbackInUse) {
      fallbackInUse = false;
      metrics.setFallbackInUse(false);
    }
    recompose(Cause.REMOTE);
  }

  private void refuseFailedAgain(ByteString hash, Failure failure) {
    AgentRemoteConfig running = runningRemote;
    String message =
        failure.reason()
            + " (this configuration failed "
            + failure.count()
            + " time(s); it is not applied again before "
            + failure.retryAfter()
            + (running != null && !running.getConfigHash().equals(hash)
                ? "; the supervisor keeps running configuration " + hex(running.getConfigHash())
                : "")
            + ")";
    LOG.warn("Not re-applying remote config {} yet: {}", hex(hash), message);
    reportStatus(hash, RemoteConfigStatuses.RemoteConfigStatuses_FAILED, message);
  }

  /** A destination for the collector's own telemetry (CS-03: other signals keep theirs). */
  void onOwnTelemetry(TelemetrySignal signal, TelemetryConnectionSettings settings) {
    ConnectionSettingsOffers.Builder b = ownTelemetry.toBuilder();
    switch (signal) {
      case METRICS -> b.setOwnMetrics(settings);
      case LOGS -> b.setOwnLogs(settings);
      case TRACES -> b.setOwnTraces(settings);
    }
    ownTelemetry = b.build();
    store.saveOwnTelemetry(ownTelemetry);
    LOG.info(
        "Own {} go to {}",
        signal.name().toLowerCase(java.util.Locale.ROOT),
        settings.getDestinationEndpoint());
    recompose(Cause.INTERNAL);
  }

  /** The server assigned a new instance UID (UID-07, UID-12). */
  void onNewInstanceUid(InstanceUid uid) {
    if (uid.equals(state.instanceId())) {
      return;
    }
    LOG.info("The server assigned the instance UID {} (was {})", uid, state.instanceId());
    previousUid = state.instanceId();
    state = state.withInstanceId(uid);
    store.saveState(state);
    reportedDescription = AgentDescriptions.withInstanceId(reportedDescription, uid);
    if (collectorDescription != null) {
      collectorDescription = AgentDescriptions.withInstanceId(collectorDescription, uid);
    }
    upstream.setAgentDescription(reportedDescription);
    recompose(Cause.INTERNAL);
  }

  /** The restart command (CM-03): stop and start with the current file; not a crash. */
  void onRestartCommand() {
    if (stoppedOnPurpose) {
      LOG.info("Restart command ignored: the remote config asks for no collector to run");
      return;
    }
    LOG.info("Restarting the collector on the server's command");
    cancelRestart();
    restartPolicy.reset();
    metrics.setCrashLoop(false);
    stopAgent();
    startAgent();
  }

  // ---------------------------------------------------------------------------------------------
  // Collector events

  void onCollectorMessage(long connection, AgentToServer message) {
    if (connection < firstCurrentConnection) {
      // From a collector process stopped since (or before a SIGHUP reload): stale.
      return;
    }
    InstanceUid uid;
    try {
      uid = InstanceUid.fromBytes(message.getInstanceUid());
    } catch (IllegalArgumentException e) {
      LOG.warn("Ignoring a local OpAMP message with an invalid instance UID");
      return;
    }
    if (!uid.equals(state.instanceId())) {
      if (!uid.equals(previousUid)) {
        LOG.warn(
            "Ignoring a message from a collector with instance UID {} (expected {})",
            uid,
            state.instanceId());
      }
      return;
    }
    heardFromCollector = true;
    if (message.hasAgentDescription()) {
      onCollectorDescription(message.getAgentDescription());
    }
    if (message.hasAvailableComponents()
        && message.getAvailableComponents().getComponentsCount() > 0) {
      AvailableComponents reported = message.getAvailableComponents();
      if (components == null || !components.getHash().equals(reported.getHash())) {
        components = reported;
        if (config.capabilities().reportsAvailableComponents()) {
          upstream.setAvailableComponents(reported);
        }
      }
    }
    if (message.hasEffectiveConfig()) {
      AgentConfigFile file = message.getEffectiveConfig().getConfigMap().getConfigMapMap().get("");
      if (file == null) {
        LOG.error("The collector reported an effective config without the \"\" entry; ignored");
      } else if (!stoppedOnPurpose) {
        publishEffective(file.getBody().toString(StandardCharsets.UTF_8));
      }
    }
    if (message.hasCustomCapabilities()) {
      upstream.setCustomCapabilities(message.getCustomCapabilities());
    }
    if (message.hasCustomMessage()) {
      upstream.sendCustomMessage(message.getCustomMessage());
    }
    if (message.hasHealth()) {
      onHealth(message.getHealth());
    }
  }

  private void onCollectorDescription(AgentDescription description) {
    AgentDescription overridden =
        AgentDescriptions.withOverrides(description, config.agent().description());
    boolean snippetInputChanged =
        collectorDescription != null && !collectorDescription.equals(description);
    collectorDescription = description;
    if (!overridden.equals(reportedDescription)) {
      reportedDescription = overridden;
      upstream.setAgentDescription(overridden);
    }
    if (snippetInputChanged) {
      // The extra-telemetry snippet carries the description's attributes.
      recompose(Cause.INTERNAL);
    }
  }

  /** Health from the collector (or the generic probe), which drives apply windows. */
  private void onHealth(ComponentHealth health) {
    if (stoppedOnPurpose || process == null) {
      return;
    }
    lastHealth = health;
    metrics.setHealthy(health.getHealthy());
    readinessProblem =
        health.getHealthy() ? null : nonEmpty(health.getLastError(), health.getStatus());
    upstream.setHealth(health);
    if (health.getHealthy()) {
      healthySinceStart = true;
      if (pendingReload) {
        pendingReload = false;
        sendReload();
      }
    }
    ApplyWindow w = window;
    if (w == null) {
      return;
    }
    if (health.getHealthy()) {
      if (w.settle == null) {
        w.settle =
            loop.schedule(
                () -> onSettled(w),
                config.agent().configApplySettleTime().toMillis(),
                TimeUnit.MILLISECONDS);
      }
    } else {
      if (w.settle != null) {
        w.settle.cancel(false);
        w.settle = null;
      }
      String status = health.getStatus();
      if (status.equals("StatusPermanentError") || status.equals("StatusFatalError")) {
        failWindow(
            "the collector reported "
                + status
                + ": "
                + nonEmpty(health.getLastError(), "no details")
                + tailSuffix());
      }
    }
  }

  void onCollectorConnected(long connection) {
    LOG.debug("The collector connected to the local OpAMP server (connection {})", connection);
  }

  void onCollectorDisconnected(long connection) {
    LOG.debug("The collector's local OpAMP connection {} closed", connection);
  }

  // ---------------------------------------------------------------------------------------------
  // Composition and apply

  private String compose(@Nullable AgentRemoteConfig remote) throws CompositionException {
    if (!collectorMode) {
      return genericBody(remote);
    }
    if (fallbackInUse) {
      return composer.composeFallback(
          config.agent().startupFallbackConfigs(),
          extensionSnippet(),
          ConfigSnippets.ownTelemetry(ownTelemetry),
          ConfigSnippets.extraTelemetry(snippetDescription()));
    }
    return composer.compose(
        new EffectiveConfigComposer.Inputs(
            config.agent().configFiles(),
            config.capabilities().acceptsRemoteConfig(),
            remote == null ? null : remote.getConfig(),
            nopPipelineNeeded,
            extensionSnippet(),
            ConfigSnippets.ownTelemetry(ownTelemetry),
            ConfigSnippets.extraTelemetry(snippetDescription()),
            state.instanceId()));
  }

  private String composeOrEmpty(@Nullable AgentRemoteConfig remote) {
    try {
      return compose(remote);
    } catch (CompositionException e) {
      throw new IllegalStateException("composing without a remote config cannot fail", e);
    }
  }

  private String genericBody(@Nullable AgentRemoteConfig remote) {
    if (remote == null || remote.getConfig().getConfigMapCount() == 0) {
      Path file = config.agent().generic().configFile();
      try {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "";
      }
    }
    Map<String, AgentConfigFile> entries = remote.getConfig().getConfigMapMap();
    String key = config.agent().generic().configMapKey();
    AgentConfigFile file;
    if (key != null) {
      file = entries.get(key);
    } else if (entries.containsKey("")) {
      file = entries.get("");
    } else {
      file = entries.size() == 1 ? entries.values().iterator().next() : null;
    }
    return file == null ? "" : file.getBody().toString(StandardCharsets.UTF_8);
  }

  private AgentDescription snippetDescription() {
    return collectorDescription != null ? collectorDescription : reportedDescription;
  }

  Map<String, Object> extensionSnippet() {
    return ConfigSnippets.opampExtension(
        state.instanceId(),
        linkPort,
        linkToken,
        supervisorPid,
        config.agent().orphanDetectionInterval(),
        new ConfigSnippets.ExtensionOptions(
            config.capabilities().reportsAvailableComponents(),
            config.agent().description().includeResourceAttributes()));
  }

  private void recompose(Cause cause) {
    AgentRemoteConfig remote = activeRemoteConfig;
    String next;
    try {
      next = compose(remote);
    } catch (CompositionException e) {
      LOG.error("Cannot compose the collector config: {}", e.getMessage());
      if (cause == Cause.REMOTE && remote != null) {
        fail(remote.getConfigHash(), e.getMessage());
      }
      return;
    }
    boolean emptyNow = isEmptyMap(remote);
    boolean changed = !next.equals(composed) || emptyNow != stoppedOnPurpose;
    if (!changed) {
      if (cause == Cause.REMOTE && remote != null) {
        LOG.info("Remote config {} changes nothing: APPLIED", hex(remote.getConfigHash()));
        succeed(remote);
      }
      return;
    }
    if (config.agent().validateConfig() && collectorMode && !emptyNow && remote != null) {
      String problem = validate(next);
      if (problem != null) {
        LOG.warn("The new collector config is not valid: {}", problem);
        if (cause == Cause.REMOTE) {
          fail(remote.getConfigHash(), "configuration validation failed: " + problem);
        }
        activeRemoteConfig = runningRemote;
        return;
      }
    }
    if (cause == Cause.REMOTE && remote != null) {
      reportStatus(remote.getConfigHash(), RemoteConfigStatuses.RemoteConfigStatuses_APPLYING, "");
    }
    composed = next;
    runningRemote = remote;
    publishEffective(next);
    apply(cause, remote);
  }

  private void apply(Cause requested, @Nullable AgentRemoteConfig remote) {
    Cause cause = requested;
    ApplyWindow open = window;
    if (requested == Cause.INTERNAL && open != null && open.cause != Cause.INTERNAL) {
      // An internal change during an apply: the new window settles the pending status too.
      cause = open.cause;
    }
    cancelRestart();
    restartPolicy.reset();
    metrics.setCrashLoop(false);
    closeWindow();
    if (isEmptyMap(remote)) {
      stopAgent();
      writeComposed(composed);
      stopOnPurpose();
      if (cause == Cause.REMOTE && remote != null) {
        succeed(remote);
      }
      return;
    }
    stoppedOnPurpose = false;
    ByteString hash =
        remote != null
            ? remote.getConfigHash()
            : (remoteConfig != null ? remoteConfig.getConfigHash() : ByteString.EMPTY);
    openWindow(cause, hash);
    RunningAgent running = process;
    if (config.agent().useHupConfigReload() && running != null && running.isAlive()) {
      writeComposed(composed);
      lastHealth = null;
      if (healthySinceStart) {
        sendReload();
      } else {
        pendingReload = true;
        ApplyWindow w = window;
        loop.schedule(
            () -> {
              if (pendingReload && window == w) {
                pendingReload = false;
                failWindow(
                    "agent has not started after "
                        + GoDuration.format(config.agent().bootstrapTimeout())
                        + tailSuffix());
              }
            },
            config.agent().bootstrapTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
      }
      return;
    }
    stopAgent();
    writeComposed(composed);
    startAgent();
  }

  private void sendReload() {
    RunningAgent running = process;
    if (running == null) {
      return;
    }
    try {
      healthySinceStart = false;
      lastHealth = null;
      firstCurrentConnection = latestConnection.getAsLong() + 1;
      running.reload();
      LOG.info("Sent SIGHUP to the collector (PID {}) to reload its config", running.pid());
    } catch (IOException e) {
      failWindow("cannot send SIGHUP to the collector: " + e.getMessage());
    }
  }

  private void openWindow(Cause cause, ByteString hash) {
    closeWindow();
    ApplyWindow w = new ApplyWindow(cause, hash);
    w.timeout =
        loop.schedule(
            () -> onWindowTimeout(w),
            config.agent().configApplyTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    window = w;
  }

  private void closeWindow() {
    if (window != null) {
      window.cancel();
      window = null;
    }
  }

  private void onSettled(ApplyWindow w) {
    if (window != w) {
      return;
    }
    if (lastHealth != null && lastHealth.getHealthy()) {
      succeedWindow();
    }
  }

  private void onWindowTimeout(ApplyWindow w) {
    if (window != w) {
      return;
    }
    if (lastHealth != null && lastHealth.getHealthy()) {
      succeedWindow();
      return;
    }
    String detail;
    if (!heardFromCollector && collectorMode) {
      detail =
          "; the collector never reported to the supervisor (is the opamp extension in this"
              + " collector build?)";
    } else if (lastHealth != null && !lastHealth.getLastError().isEmpty()) {
      detail = "; last health: " + lastHealth.getStatus() + ": " + lastHealth.getLastError();
    } else {
      detail = "; the collector never reported healthy";
    }
    failWindow("Config apply timeout exceeded" + detail + tailSuffix());
  }

  private void succeedWindow() {
    ApplyWindow w = window;
    if (w == null) {
      return;
    }
    closeWindow();
    switch (w.cause) {
      case REMOTE -> {
        if (remoteConfig != null && remoteConfig.getConfigHash().equals(w.hash)) {
          succeed(remoteConfig);
        }
      }
      case ROLLBACK -> {
        AgentRemoteConfig restored = activeRemoteConfig;
        if (restored != null) {
          LOG.info("The restored config {} runs healthy", hex(restored.getConfigHash()));
          metrics.countApplied();
          // Reported, not persisted: the persisted status stays FAILED for the rejected config.
          if (config.capabilities().reportsRemoteConfig()) {
            upstream.setRemoteConfigStatus(
                status(
                    restored.getConfigHash(),
                    RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
                    ""));
          }
        }
      }
      case INTERNAL -> LOG.info("The collector runs healthy with its updated config");
    }
  }

  private void succeed(AgentRemoteConfig remote) {
    metrics.countApplied();
    failures.remove(remote.getConfigHash());
    reportStatus(remote.getConfigHash(), RemoteConfigStatuses.RemoteConfigStatuses_APPLIED, "");
    if (!isEmptyMap(remote)) {
      lastWorking = remote;
      store.saveLastWorkingRemoteConfig(remote);
    }
  }

  /** Ends the open window as a failure; returns whether a rollback started the collector. */
  private boolean failWindow(String reason) {
    ApplyWindow w = window;
    if (w == null) {
      return false;
    }
    closeWindow();
    LOG.error("Applying the collector config failed: {}", reason);
    switch (w.cause) {
      case REMOTE -> fail(w.hash, reason);
      case ROLLBACK -> {
        metrics.countFailed();
        LOG.error("The restored last working config failed too; it is not restored again");
        return false;
      }
      case INTERNAL -> {
        metrics.countFailed();
        RemoteConfigStatus current = state.lastRemoteConfigStatus();
        if (remoteConfig != null
            && !runningRestored
            && current != null
            && current.getLastRemoteConfigHash().equals(remoteConfig.getConfigHash())
            && current.getStatus() != RemoteConfigStatuses.RemoteConfigStatuses_FAILED) {
          reportStatus(
              remoteConfig.getConfigHash(),
              RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
              reason);
        }
      }
    }
    return rollback(w.hash);
  }

  private void fail(ByteString hash, String reason) {
    metrics.countFailed();
    Failure previous = failures.get(hash);
    int count = previous == null ? 1 : previous.count() + 1;
    Duration wait = FIRST_FAILED_RETRY;
    for (int i = 1; i < count && wait.compareTo(MAX_FAILED_RETRY) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    if (wait.compareTo(MAX_FAILED_RETRY) > 0) {
      wait = MAX_FAILED_RETRY;
    }
    failures.put(hash, new Failure(count, clock.instant().plus(wait), reason));
    reportStatus(hash, RemoteConfigStatuses.RemoteConfigStatuses_FAILED, reason);
  }

  /** Compat reference 5.6: restore the last working config once. */
  private boolean rollback(ByteString failedHash) {
    if (!config.agent().automaticConfigRollback()
        || runningRestored
        || lastWorking == null
        || lastWorking.getConfigHash().equals(failedHash)) {
      return false;
    }
    AgentRemoteConfig restore = lastWorking;
    String next;
    try {
      next = compose(restore);
    } catch (CompositionException e) {
      LOG.error("Cannot compose the last working config for a rollback: {}", e.getMessage());
      return false;
    }
    LOG.warn("Rolling back to the last working remote config {}", hex(restore.getConfigHash()));
    metrics.countRollback();
    runningRestored = true;
    activeRemoteConfig = restore;
    runningRemote = restore;
    composed = next;
    publishEffective(next);
    apply(Cause.ROLLBACK, restore);
    return true;
  }

  private @Nullable String validate(String yaml) {
    Path candidate =
        store.storage().resolve("validate-config-" + Long.toHexString(clock.millis()) + ".yaml");
    try {
      StorageDirectory.writeAtomically(candidate, yaml.getBytes(StandardCharsets.UTF_8));
      CollectorCommands.Result result =
          commands.validate(List.of(candidate), featureGateArgs, VALIDATE_TIMEOUT);
      if (result.succeeded()) {
        return null;
      }
      String output =
          result.output().isBlank() ? "exit code " + result.exitCode() : result.output();
      return output;
    } finally {
      try {
        Files.deleteIfExists(candidate);
      } catch (IOException e) {
        LOG.warn("Cannot delete {}: {}", candidate, e.toString());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The process

  private List<String> commandLine() {
    List<String> command = new ArrayList<>();
    command.add(config.agent().executable().toString());
    if (collectorMode) {
      command.add("--config");
      command.add(store.storage().resolve(StorageDirectory.EFFECTIVE_CONFIG).toString());
      command.addAll(featureGateArgs);
      command.addAll(config.agent().args());
    } else {
      String file = config.agent().generic().configFile().toString();
      for (String arg : config.agent().args()) {
        command.add(arg.replace("{config_file}", file));
      }
    }
    return command;
  }

  private void startAgent() {
    if (shuttingDown) {
      return;
    }
    RunningAgent running = process;
    if (running != null && running.isAlive()) {
      return;
    }
    stoppedOnPurpose = false;
    logCapture.resetTail();
    lastHealth = null;
    healthySinceStart = false;
    heardFromCollector = false;
    pendingReload = false;
    firstCurrentConnection = latestConnection.getAsLong() + 1;
    RunningAgent started;
    try {
      started = launcher.start(commandLine());
    } catch (IOException e) {
      onStartFailure(e);
      return;
    }
    process = started;
    store.saveCollectorPid(started.pid());
    metrics.setCollectorStarted(started.startedAt().toEpochMilli());
    LOG.info("Started the collector: PID {}", started.pid());
    Instant now = clock.instant();
    ComponentHealth starting =
        HealthReports.starting(
            started.startedAt(), now, "the collector is starting (PID " + started.pid() + ")");
    readinessProblem = starting.getLastError();
    upstream.setHealth(starting);
    metrics.setHealthy(false);
    started.exit().thenAccept(code -> loop.execute(() -> onExit(started, code)));
    if (collectorMode) {
      cancel(connectWatch);
      connectWatch =
          loop.schedule(
              () -> watchFirstReport(started),
              Math.max(config.agent().bootstrapTimeout().toMillis(), 1000),
              TimeUnit.MILLISECONDS);
    } else {
      startProbing(started);
    }
  }

  private void watchFirstReport(RunningAgent started) {
    if (process != started || heardFromCollector || !started.isAlive()) {
      return;
    }
    String message =
        "the collector's OpAMP client never connected to the supervisor within "
            + GoDuration.format(config.agent().bootstrapTimeout())
            + " (is the opamp extension in this collector build?)"
            + tailSuffix();
    LOG.warn(message);
    readinessProblem = message;
    upstream.setHealth(
        HealthReports.unhealthy(
            HealthReports.STARTING, message, started.startedAt(), clock.instant()));
  }

  private void startProbing(RunningAgent started) {
    cancel(probeTask);
    long every = config.agent().generic().healthInterval().toMillis();
    long first = Math.min(every, 500);
    probeTask =
        loop.scheduleWithFixedDelay(() -> probeOnce(started), first, every, TimeUnit.MILLISECONDS);
  }

  private void probeOnce(RunningAgent started) {
    if (process != started || !started.isAlive()) {
      cancel(probeTask);
      return;
    }
    Instant now = clock.instant();
    ComponentHealth health;
    if (probe == null) {
      health = HealthReports.healthy(started.startedAt(), now);
    } else {
      HealthProbe.Result result = probe.check();
      health =
          result.healthy()
              ? HealthReports.healthy(started.startedAt(), now)
              : HealthReports.unhealthy(
                  HealthReports.RECOVERABLE, result.detail(), started.startedAt(), now);
    }
    heardFromCollector = true;
    if (lastHealth == null
        || lastHealth.getHealthy() != health.getHealthy()
        || !health.getHealthy()) {
      onHealth(health);
    } else {
      lastHealth = health;
    }
  }

  private void onStartFailure(IOException e) {
    String message = "cannot start the agent: " + e.getMessage();
    LOG.error(message);
    RestartPolicy.Decision decision = restartPolicy.onUnexpectedExit(Duration.ZERO);
    if (failWindow(message)) {
      return;
    }
    readinessProblem = message;
    metrics.setHealthy(false);
    upstream.setHealth(
        HealthReports.exited(
            decision.crashLoop() ? HealthReports.CRASH_LOOP : HealthReports.EXITED,
            message + ". Will retry in " + GoDuration.format(round(decision.delay())),
            0,
            -1,
            decision.attempt(),
            decision.delay().toMillis(),
            clock.instant()));
    scheduleRestart(decision);
  }

  /** The process ended (compat reference 6.1). */
  private void onExit(RunningAgent ended, int exitCode) {
    if (ended != process) {
      return;
    }
    process = null;
    cancel(probeTask);
    cancel(connectWatch);
    store.saveCollectorPid(null);
    metrics.setCollectorStarted(0);
    if (ended.isStopRequested() || shuttingDown) {
      return;
    }
    Duration uptime = Duration.between(ended.startedAt(), clock.instant());
    RestartPolicy.Decision decision = restartPolicy.onUnexpectedExit(uptime);
    String tail = tailSuffix();
    LOG.warn(
        "The collector (PID {}) exited unexpectedly with exit code {} after {}",
        ended.pid(),
        exitCode,
        GoDuration.format(round(uptime)));
    if (window != null
        && failWindow(
            "Agent exited unexpectedly with exit code "
                + exitCode
                + " while applying configuration"
                + tail)) {
      return;
    }
    String message =
        (decision.crashLoop()
                ? "Crash loop: the collector exited "
                    + decision.attempt()
                    + " times in a row within "
                    + GoDuration.format(config.agent().restart().resetAfter())
                    + " of starting. "
                : "")
            + "Agent process PID="
            + ended.pid()
            + " exited unexpectedly, exit code="
            + exitCode
            + ". Will restart in "
            + GoDuration.format(round(decision.delay()))
            + tail;
    readinessProblem = message;
    lastHealth = null;
    metrics.setHealthy(false);
    metrics.setCrashLoop(decision.crashLoop());
    upstream.setHealth(
        HealthReports.exited(
            decision.crashLoop() ? HealthReports.CRASH_LOOP : HealthReports.EXITED,
            message,
            ended.pid(),
            exitCode,
            decision.attempt(),
            decision.delay().toMillis(),
            clock.instant()));
    scheduleRestart(decision);
  }

  private void scheduleRestart(RestartPolicy.Decision decision) {
    cancelRestart();
    if (decision.crashLoop()) {
      LOG.error(
          "The collector is crash looping ({} quick exits in a row); next restart in {}",
          decision.attempt(),
          GoDuration.format(round(decision.delay())));
    }
    restartTask =
        loop.schedule(
            () -> {
              restartTask = null;
              if (!stoppedOnPurpose && process == null) {
                metrics.countRestart();
                startAgent();
              }
            },
            decision.delay().toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void cancelRestart() {
    cancel(restartTask);
    restartTask = null;
  }

  private void stopAgent() {
    cancel(probeTask);
    cancel(connectWatch);
    RunningAgent running = process;
    if (running == null) {
      return;
    }
    process = null;
    LOG.info("Stopping the collector (PID {})", running.pid());
    running.stop(config.agent().stopTimeout());
    store.saveCollectorPid(null);
    metrics.setCollectorStarted(0);
  }

  private void stopOnPurpose() {
    stoppedOnPurpose = true;
    lastHealth = null;
    readinessProblem = null;
    metrics.setHealthy(true);
    upstream.setHealth(HealthReports.stoppedOnPurpose(clock.instant()));
    publishEffective("");
    LOG.info("The remote config is empty: no collector runs");
  }

  /** Stops everything for shutdown; the supervisor reports "Supervisor is shutdown" after it. */
  void shutdown() {
    shuttingDown = true;
    closeWindow();
    cancelRestart();
    stopAgent();
  }

  // ---------------------------------------------------------------------------------------------
  // Reporting

  private void reportStatus(ByteString hash, RemoteConfigStatuses value, String message) {
    RemoteConfigStatus status = status(hash, value, message);
    // Persisted first, so a restart reports the same (RC-11).
    state = state.withStatus(status);
    store.saveState(state);
    LOG.info(
        "Remote config {}: {}{}",
        hex(hash),
        value.name().replace("RemoteConfigStatuses_", ""),
        message.isEmpty() ? "" : " (" + message + ")");
    if (config.capabilities().reportsRemoteConfig()) {
      upstream.setRemoteConfigStatus(status);
    }
  }

  private static RemoteConfigStatus status(
      ByteString hash, RemoteConfigStatuses value, String message) {
    return RemoteConfigStatus.newBuilder()
        .setLastRemoteConfigHash(hash)
        .setStatus(value)
        .setErrorMessage(message)
        .build();
  }

  private void publishEffective(String yaml) {
    // The per-run token of the local link is a secret: never reported.
    effectiveForUpstream = linkToken.isEmpty() ? yaml : yaml.replace(linkToken, "[REDACTED]");
    upstream.updateEffectiveConfig();
  }

  /** Returns the effective config to report (EC-02); called on the client's callback lane. */
  EffectiveConfig effectiveConfig() {
    return EffectiveConfig.newBuilder()
        .setConfigMap(
            AgentConfigMap.newBuilder()
                .putConfigMap(
                    "",
                    AgentConfigFile.newBuilder()
                        .setBody(ByteString.copyFromUtf8(effectiveForUpstream))
                        .setContentType(collectorMode ? "text/yaml" : "text/plain")
                        .build()))
        .build();
  }

  private void writeComposed(@Nullable String text) {
    if (text == null) {
      return;
    }
    if (collectorMode) {
      store.writeEffectiveConfig(text);
    } else if (activeRemoteConfig != null
        && activeRemoteConfig.getConfig().getConfigMapCount() > 0) {
      StorageDirectory.writeAtomically(
          config.agent().generic().configFile(), text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String tailSuffix() {
    int kib = config.agent().crashLogSnippetKib();
    if (kib <= 0) {
      return "";
    }
    String tail = logCapture.tail(kib * 1024);
    return tail.isEmpty() ? "" : "\nCollector log tail:\n" + tail;
  }

  /** For the health endpoint: null once a config was composed (upstream {@code /health}). */
  @Nullable String healthProblem() {
    return composedOnce ? null : "config state is nil";
  }

  /** For the health endpoint's {@code /ready}: null when the collector is healthy. */
  @Nullable String readinessProblem() {
    return readinessProblem;
  }

  private static boolean isEmptyMap(@Nullable AgentRemoteConfig remote) {
    return remote != null && remote.getConfig().getConfigMapCount() == 0;
  }

  private static void cancel(@Nullable ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private static Duration round(Duration d) {
    return Duration.ofMillis(d.toMillis());
  }

  static String hex(ByteString hash) {
    String text = HexFormat.of().formatHex(hash.toByteArray());
    return text.isEmpty() ? "(no hash)" : text.length() > 16 ? text.substring(0, 16) : text;
  }

  private static String nonEmpty(String value, String otherwise) {
    return value.isEmpty() ? otherwise : value;
  }
}
