/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.opampfleet.opamp.client.ClientCallbacks;
import org.opampfleet.opamp.client.ConnectionState;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.TelemetrySignal;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.client.packages.PackageSyncer;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.CommandType;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.ConnectionSettingsRequest;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatus;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatuses;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.OtherConnectionSettings;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.PackagesAvailable;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.ServerErrorResponse;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.InvalidInstanceUidException;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * The OpAMP client: its connection state machine, status compression, heartbeats and polling,
 * retries, connection-settings switches and the dispatch of server messages to callbacks.
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> thread-safe. Everything that drives the connection runs on one
 * <em>protocol lane</em> (a {@link SerialExecutor} over the scheduler), so the fields marked "lane"
 * need no lock. Application threads only touch {@link PendingMessage} (synchronized) and atomics,
 * then ask the lane to flush. Callbacks run on a second lane over the callback executor, so that
 * slow application code never delays the protocol lane's timers.
 */
public final class DefaultOpampClient implements OpampClient {

  private static final System.Logger LOG = System.getLogger(DefaultOpampClient.class.getName());
  private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();

  private final ClientConfig config;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService ownedScheduler;
  private final SerialExecutor lane;
  private final SerialExecutor callbackLane;
  private final Channel.Factory channels;
  private final PendingMessage pending;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final AtomicBoolean flushRequested = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile ConnectionState state = ConnectionState.NOT_STARTED;
  private volatile InstanceUid uid;

  // Lane: everything below is read and written only on the protocol lane.
  private final ReportedState reported = new ReportedState();
  private final Backoff backoff;
  private ConnectionTarget active;
  private Switch switching;
  private Channel channel;
  private boolean channelOpen;
  private int generation;
  private PendingMessage.Outgoing inflight;
  private boolean messageDue;
  private boolean repliedOnConnection;
  private ScheduledFuture<?> timer;
  private ScheduledFuture<?> replyDeadline;
  private long sequenceNum;
  private long serverCapabilities;
  private Duration offeredHeartbeat;
  private InstanceUid previousUid;
  private ConnectionSettingsOffers lastOffer;
  private PrivateKey requestKey;
  private boolean syncRunning;
  private PackagesAvailable queuedPackages;
  private Runnable afterInflight;

  /** A switch to new OpAMP connection settings in progress (OC-04 to OC-09). */
  private record Switch(
      ByteString hash,
      OpAMPConnectionSettings offer,
      ConnectionTarget candidate,
      List<String> otherErrors) {}

  private DefaultOpampClient(ClientConfig config, Channel.Factory channelFactory) {
    this.config = config;
    if (config.executor() != null) {
      this.scheduler = config.executor();
      this.ownedScheduler = null;
    } else {
      // The only thread the library ever creates, and only when the application injected no
      // scheduler: a daemon, so that a client that was never stopped cannot keep the JVM alive.
      ScheduledThreadPoolExecutor own =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread =
                    new Thread(runnable, "opamp-client-" + THREAD_COUNTER.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      own.setRemoveOnCancelPolicy(true);
      own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      this.scheduler = own;
      this.ownedScheduler = own;
    }
    this.lane = new SerialExecutor(scheduler, "opamp-client protocol lane");
    Executor callbackExecutor =
        config.callbackExecutor() != null ? config.callbackExecutor() : scheduler;
    this.callbackLane = new SerialExecutor(callbackExecutor, "opamp-client callback lane");
    this.uid = config.instanceUid();
    this.pending =
        new PendingMessage(
            AgentCapability.BITMASK.toMask(config.capabilities()),
            AgentToServerFlag.BITMASK.toMask(config.flags()));
    this.pending.set(StatusPart.AGENT_DESCRIPTION, config.agentDescription());
    this.backoff =
        new Backoff(
            config.backoff(), config.random() != null ? config.random() : new SplittableRandom());
    this.channels =
        channelFactory != null
            ? channelFactory
            : new JdkChannels(config, this::instanceUid, scheduler);
    this.active = ConnectionTarget.initial(config, scheduler);
    PackageSyncer syncer = config.packageSyncer();
    if (syncer != null) {
      pending.set(StatusPart.PACKAGE_STATUSES, syncer.statuses());
    }
  }

  /** Creates a client that talks through the JDK's {@code java.net.http}. */
  public static DefaultOpampClient create(ClientConfig config) {
    return new DefaultOpampClient(requireNonNull(config, "config"), null);
  }

  /** Creates a client with another channel factory, for tests. */
  static DefaultOpampClient create(ClientConfig config, Channel.Factory channelFactory) {
    return new DefaultOpampClient(config, requireNonNull(channelFactory, "channelFactory"));
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: application threads.

  @Override
  public void start() {
    if (stopRequested.get()) {
      throw new IllegalStateException("start(): the client is stopped (expected: a new client)");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("start(): already started (expected: one call)");
    }
    state = ConnectionState.CONNECTING;
    if (config.effectiveConfigSupplier() != null) {
      readEffectiveConfig(this::connect);
    } else {
      lane.execute(this::connect);
    }
  }

  @Override
  public CompletableFuture<Void> stopAsync() {
    if (stopRequested.compareAndSet(false, true)) {
      if (started.compareAndSet(false, true)) {
        // Never started: nothing to say goodbye to.
        lane.execute(this::finishStop);
      } else {
        lane.execute(this::beginStop);
      }
    }
    return stopped;
  }

  @Override
  public void stop() {
    if (lane.isCurrentThreadInLane() || callbackLane.isCurrentThreadInLane()) {
      throw new IllegalStateException(
          "stop(): called from a callback, where waiting would deadlock (expected: stopAsync())");
    }
    try {
      stopAsync().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("stop failed", e.getCause());
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public InstanceUid instanceUid() {
    return uid;
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  @Override
  public void setAgentDescription(AgentDescription description) {
    setPart(StatusPart.AGENT_DESCRIPTION, requireNonNull(description, "description"));
  }

  @Override
  public void setHealth(ComponentHealth health) {
    setPart(StatusPart.HEALTH, requireNonNull(health, "health"));
  }

  @Override
  public void updateEffectiveConfig() {
    if (config.effectiveConfigSupplier() == null) {
      throw new IllegalStateException(
          "updateEffectiveConfig(): no effectiveConfigSupplier was built in (expected: one)");
    }
    readEffectiveConfig(() -> {});
  }

  @Override
  public void setRemoteConfigStatus(RemoteConfigStatus status) {
    setPart(StatusPart.REMOTE_CONFIG_STATUS, requireNonNull(status, "status"));
  }

  @Override
  public void setPackageStatuses(PackageStatuses statuses) {
    setPart(StatusPart.PACKAGE_STATUSES, requireNonNull(statuses, "statuses"));
  }

  @Override
  public void setCustomCapabilities(CustomCapabilities capabilities) {
    setPart(StatusPart.CUSTOM_CAPABILITIES, requireNonNull(capabilities, "capabilities"));
  }

  @Override
  public void setAvailableComponents(AvailableComponents components) {
    setPart(StatusPart.AVAILABLE_COMPONENTS, requireNonNull(components, "components"));
  }

  @Override
  public void setConnectionSettingsStatus(ConnectionSettingsStatus status) {
    setPart(StatusPart.CONNECTION_SETTINGS_STATUS, requireNonNull(status, "status"));
  }

  @Override
  public void setCapabilities(Set<AgentCapability> capabilities) {
    requireNonNull(capabilities, "capabilities");
    EnumSet<AgentCapability> copy = EnumSet.noneOf(AgentCapability.class);
    copy.addAll(capabilities);
    copy.add(AgentCapability.REPORTS_STATUS);
    if (pending.setCapabilities(AgentCapability.BITMASK.toMask(copy))) {
      requestFlush();
    }
  }

  @Override
  public void setFlags(Set<AgentToServerFlag> flags) {
    requireNonNull(flags, "flags");
    if (pending.setFlags(AgentToServerFlag.BITMASK.toMask(flags))) {
      requestFlush();
    }
  }

  @Override
  public CompletableFuture<Void> sendCustomMessage(CustomMessage message) {
    requireNonNull(message, "message");
    CustomCapabilities announced = (CustomCapabilities) pending.get(StatusPart.CUSTOM_CAPABILITIES);
    List<String> names = announced == null ? List.of() : announced.getCapabilitiesList();
    if (!names.contains(message.getCapability())) {
      throw new IllegalArgumentException(
          "message.capability: \""
              + message.getCapability()
              + "\" (expected: one of the custom capabilities set with setCustomCapabilities: "
              + names
              + ")");
    }
    if (stopRequested.get()) {
      return CompletableFuture.failedFuture(stoppedException());
    }
    CompletableFuture<Void> sent = pending.addCustomMessage(message);
    requestFlush();
    return sent;
  }

  @Override
  public CompletableFuture<Void> requestConnectionSettings(
      ConnectionSettingsRequest request, PrivateKey privateKey) {
    requireNonNull(request, "request");
    requireNonNull(privateKey, "privateKey");
    if (!request.hasOpamp()
        || !request.getOpamp().hasCertificateRequest()
        || request.getOpamp().getCertificateRequest().getCsr().isEmpty()) {
      throw new IllegalArgumentException(
          "request: no opamp.certificate_request.csr (expected: a PEM certificate signing"
              + " request, CR-05)");
    }
    if (stopRequested.get()) {
      return CompletableFuture.failedFuture(stoppedException());
    }
    CompletableFuture<Void> sent = pending.setConnectionSettingsRequest(request, privateKey);
    lane.execute(
        () -> {
          requestKey = privateKey;
          pending.rejectConnectionSettingsRequest(serverCapabilities);
          flush();
        });
    return sent;
  }

  private void setPart(StatusPart part, com.google.protobuf.Message value) {
    if (pending.set(part, value)) {
      requestFlush();
    }
  }

  private void requestFlush() {
    if (flushRequested.compareAndSet(false, true)) {
      lane.execute(
          () -> {
            flushRequested.set(false);
            flush();
          });
    }
  }

  private void readEffectiveConfig(Runnable then) {
    callbackLane.execute(
        () -> {
          EffectiveConfig effective = null;
          try {
            effective = config.effectiveConfigSupplier().get();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the effective configuration supplier failed", e);
          }
          EffectiveConfig read = effective;
          lane.execute(
              () -> {
                if (read != null) {
                  pending.set(StatusPart.EFFECTIVE_CONFIG, read);
                }
                then.run();
                flush();
              });
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Connecting: protocol lane.

  private void connect() {
    if (stopRequested.get()) {
      return;
    }
    cancelTimer();
    ConnectionTarget target = switching != null ? switching.candidate() : active;
    int gen = ++generation;
    Channel created;
    try {
      created = channels.create(target, listener(gen));
    } catch (RuntimeException e) {
      connectFailed(
          ExchangeFailure.of(
              ExchangeFailure.Kind.UNREACHABLE, "cannot set up a channel to " + target, e));
      return;
    }
    channel = created;
    channelOpen = false;
    repliedOnConnection = false;
    state = ConnectionState.CONNECTING;
    created.open().whenComplete((ignored, error) -> lane.execute(() -> opened(gen, error)));
  }

  private Channel.Listener listener(int gen) {
    return new Channel.Listener() {
      @Override
      public void onMessage(ServerToAgent message) {
        lane.execute(
            () -> {
              if (gen == generation) {
                received(message);
              }
            });
      }

      @Override
      public void onClosed(Throwable cause) {
        lane.execute(
            () -> {
              if (gen == generation) {
                connectionLost(cause);
              }
            });
      }
    };
  }

  private void opened(int gen, Throwable error) {
    if (gen != generation || stopRequested.get()) {
      return;
    }
    if (error != null) {
      connectFailed(ExchangeFailure.unwrap(error));
      return;
    }
    channelOpen = true;
    if (transport() == Transport.WEBSOCKET) {
      state = ConnectionState.CONNECTED;
      deliver(ClientCallbacks::onConnected);
    }
    // The first message goes out right after connecting, whether anything changed or not (ST-01).
    messageDue = true;
    flush();
  }

  private void connectFailed(Throwable cause) {
    dropChannel();
    if (switching != null) {
      switchFailed(cause);
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, "connecting failed: {0}", cause.getMessage());
    deliver(callbacks -> callbacks.onConnectFailed(cause));
    retryLater(cause, false);
  }

  private void connectionLost(Throwable cause) {
    boolean wasReplied = repliedOnConnection;
    dropChannel();
    if (switching != null) {
      switchFailed(cause);
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, "connection lost: {0}", cause.getMessage());
    deliver(callbacks -> callbacks.onConnectionLost(cause));
    retryLater(cause, wasReplied);
  }

  /**
   * Schedules the next attempt: a short random delay after losing a connection that worked,
   * exponential backoff otherwise, and what the server asked for when it throttled (ER-07).
   */
  private void retryLater(Throwable cause, boolean connectionWorked) {
    Duration delay;
    if (cause instanceof ExchangeFailure failure && failure.isThrottled()) {
      delay = backoff.throttledDelay(failure.retryAfter());
    } else if (connectionWorked) {
      delay = backoff.reconnectDelay();
    } else {
      delay = backoff.nextDelay();
    }
    scheduleConnect(delay);
  }

  private void scheduleConnect(Duration delay) {
    if (stopRequested.get()) {
      return;
    }
    // No heartbeats while waiting (HB-10): the only timer now is the reconnect.
    state = ConnectionState.WAITING_TO_RECONNECT;
    cancelTimer();
    LOG.log(System.Logger.Level.DEBUG, "next attempt in {0}", delay);
    timer =
        scheduler.schedule(
            () -> lane.execute(this::connect), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Forgets the current channel: closes it gracefully in the background, ignores its events. */
  private void dropChannel() {
    Channel old = channel;
    channel = null;
    channelOpen = false;
    generation++;
    cancelTimer();
    cancelReplyDeadline();
    if (inflight != null) {
      pending.rollBack(inflight);
      inflight = null;
    }
    if (old != null) {
      old.close();
    }
  }

  private Transport transport() {
    ConnectionTarget target = switching != null ? switching.candidate() : active;
    return target.transport();
  }

  // ---------------------------------------------------------------------------------------------
  // Sending: protocol lane.

  private void flush() {
    if (channel == null || !channelOpen || inflight != null || stopRequested.get()) {
      return;
    }
    pending.rejectConnectionSettingsRequest(serverCapabilities);
    if (!messageDue && !pending.hasChanges(reported, serverCapabilities)) {
      return;
    }
    send(pending.build(reported, uid, ++sequenceNum, serverCapabilities, false));
  }

  private void send(PendingMessage.Outgoing outgoing) {
    int size = outgoing.message().getSerializedSize() + WebSocketFraming.HEADER_LENGTH;
    if (!config.messageLimits().allows(size)) {
      // Never send what the server must refuse (WS-L5, HT-L5); report it and move on, so that
      // the same oversized state does not loop.
      LOG.log(
          System.Logger.Level.WARNING,
          "not sending an AgentToServer of {0} bytes: it exceeds the limit of {1} bytes",
          size,
          config.messageLimits().maxMessageBytes());
      sequenceNum--;
      pending.commit(outgoing, reported);
      messageDue = false;
      return;
    }
    inflight = outgoing;
    messageDue = false;
    int gen = generation;
    Channel target = channel;
    // Heartbeats and polls count from the last message sent (HB-05).
    armHeartbeat();
    if (transport() == Transport.WEBSOCKET) {
      // The server answers every message (ST-04). Armed before sending, since the answer may be
      // processed before the send's own completion.
      armReplyDeadline();
    }
    target
        .send(outgoing.message())
        .whenComplete((reply, error) -> lane.execute(() -> sent(gen, outgoing, reply, error)));
  }

  private void sent(
      int gen, PendingMessage.Outgoing outgoing, Optional<ServerToAgent> reply, Throwable error) {
    if (gen != generation || inflight != outgoing) {
      return;
    }
    inflight = null;
    Throwable cause = error == null ? null : ExchangeFailure.unwrap(error);
    boolean tooLarge = cause instanceof ExchangeFailure failure && failure.isRequestTooLarge();
    boolean unavailable =
        reply != null
            && reply.isPresent()
            && reply.get().hasErrorResponse()
            && reply.get().getErrorResponse().getType()
                == ServerErrorResponseType.ServerErrorResponseType_Unavailable;
    if ((cause == null && !unavailable) || tooLarge) {
      // A message refused as too large must not be sent again either (HT-L2).
      pending.commit(outgoing, reported);
    } else {
      // Not delivered or not processed: everything it carried is pending again.
      pending.rollBack(outgoing);
    }
    Runnable after = afterInflight;
    if (after != null) {
      // A goodbye waits for this exchange (HT-09); it takes over from here.
      afterInflight = null;
      after.run();
      return;
    }
    if (tooLarge) {
      LOG.log(System.Logger.Level.WARNING, "{0}; the message is dropped", cause.getMessage());
      flush();
      return;
    }
    if (cause != null) {
      if (transport() == Transport.HTTP) {
        // The next successful request carries the full state.
        reported.clear();
        connectFailed(cause);
      } else {
        connectionLost(cause);
      }
      return;
    }
    if (reply.isEmpty()) {
      // WebSocket: written; the answer arrives through the listener.
      flush();
      return;
    }
    ServerToAgent message = reply.get();
    if (state != ConnectionState.CONNECTED && !unavailable) {
      state = ConnectionState.CONNECTED;
      if (switching == null) {
        deliver(ClientCallbacks::onConnected);
      }
    }
    received(message);
    flush();
  }

  private void armHeartbeat() {
    cancelTimer();
    Duration interval = heartbeatInterval();
    if (interval == null) {
      return;
    }
    int gen = generation;
    timer =
        scheduler.schedule(
            () ->
                lane.execute(
                    () -> {
                      if (gen == generation && !stopRequested.get()) {
                        messageDue = true;
                        flush();
                      }
                    }),
            interval.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /**
   * Returns the interval after which a message is sent even if nothing changed, or null for none.
   * WebSocket: the heartbeat, if {@code REPORTS_HEARTBEAT} is declared; the server's value wins and
   * 0 disables it (HB-02, HB-03). HTTP: the polling interval, which a non-zero server value
   * replaces (HB-09) and which never stops (P-17).
   */
  Duration heartbeatInterval() {
    boolean heartbeats = AgentCapability.REPORTS_HEARTBEAT.isSetIn(pending.capabilities());
    if (transport() == Transport.HTTP) {
      if (heartbeats && offeredHeartbeat != null && !offeredHeartbeat.isZero()) {
        return offeredHeartbeat;
      }
      return config.pollingInterval();
    }
    if (!heartbeats) {
      return null;
    }
    if (offeredHeartbeat != null) {
      return offeredHeartbeat.isZero() ? null : offeredHeartbeat;
    }
    return config.heartbeatInterval();
  }

  private void armReplyDeadline() {
    if (replyDeadline != null) {
      return;
    }
    int gen = generation;
    Duration timeout = config.requestTimeout();
    replyDeadline =
        scheduler.schedule(
            () ->
                lane.execute(
                    () -> {
                      if (gen == generation && replyDeadline != null) {
                        replyDeadline = null;
                        connectionLost(
                            ExchangeFailure.of(
                                ExchangeFailure.Kind.TIMEOUT,
                                "no reply from the server within " + timeout,
                                null));
                      }
                    }),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  private void cancelReplyDeadline() {
    if (replyDeadline != null) {
      replyDeadline.cancel(false);
      replyDeadline = null;
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving: protocol lane.

  private void received(ServerToAgent message) {
    cancelReplyDeadline();
    repliedOnConnection = true;
    if (!message.getInstanceUid().isEmpty() && !isOwnUid(message.getInstanceUid())) {
      // Addressed to another agent, e.g. behind a multiplexing proxy.
      LOG.log(System.Logger.Level.WARNING, "ignoring a message for another instance UID");
      return;
    }
    if (message.getCapabilities() != 0) {
      // 0 later on means "unchanged" (GEN-05).
      serverCapabilities = message.getCapabilities();
      pending.rejectConnectionSettingsRequest(serverCapabilities);
    }
    boolean unavailable =
        message.hasErrorResponse()
            && message.getErrorResponse().getType()
                == ServerErrorResponseType.ServerErrorResponseType_Unavailable;
    if (switching != null && !unavailable) {
      // The new settings work: the server accepted the connection and answered (OC-06).
      switchSucceeded();
    }
    if (message.hasErrorResponse()) {
      serverError(message.getErrorResponse());
      return;
    }
    backoff.reset();
    long capabilities = pending.capabilities();
    if (message.hasCommand()) {
      // A command comes alone: every other field is ignored (CM-03), and presence, not the
      // enum value, marks it (CM-05, P-06).
      if (message.getCommand().getType() == CommandType.CommandType_Restart
          && AgentCapability.ACCEPTS_RESTART_COMMAND.isSetIn(capabilities)) {
        deliver(callbacks -> callbacks.onCommand(message.getCommand()));
      }
      return;
    }
    if (message.hasAgentIdentification()) {
      adoptInstanceUid(message.getAgentIdentification().getNewInstanceUid());
    }
    if (ServerToAgentFlag.REPORT_FULL_STATE.isSetIn(message.getFlags())) {
      pending.requestFullState();
    }
    if (ServerToAgentFlag.REPORT_AVAILABLE_COMPONENTS.isSetIn(message.getFlags())) {
      pending.requestComponents();
    }
    if (message.hasRemoteConfig() && AgentCapability.ACCEPTS_REMOTE_CONFIG.isSetIn(capabilities)) {
      deliver(callbacks -> callbacks.onRemoteConfig(message.getRemoteConfig()));
    }
    if (message.hasConnectionSettings()) {
      connectionSettingsOffered(message.getConnectionSettings());
    }
    if (message.hasPackagesAvailable() && AgentCapability.ACCEPTS_PACKAGES.isSetIn(capabilities)) {
      packagesOffered(message.getPackagesAvailable());
    }
    if (message.hasCustomCapabilities()) {
      deliver(callbacks -> callbacks.onCustomCapabilities(message.getCustomCapabilities()));
    }
    if (message.hasCustomMessage()) {
      CustomCapabilities announced =
          (CustomCapabilities) pending.get(StatusPart.CUSTOM_CAPABILITIES);
      if (announced != null
          && announced.getCapabilitiesList().contains(message.getCustomMessage().getCapability())) {
        deliver(callbacks -> callbacks.onCustomMessage(message.getCustomMessage()));
      } else {
        LOG.log(
            System.Logger.Level.DEBUG,
            "dropping a custom message for unannounced capability {0}",
            message.getCustomMessage().getCapability());
      }
    }
    flush();
  }

  private boolean isOwnUid(ByteString bytes) {
    return bytes.equals(uid.toByteString())
        || (previousUid != null && bytes.equals(previousUid.toByteString()));
  }

  private void serverError(ServerErrorResponse error) {
    deliver(callbacks -> callbacks.onServerError(error));
    if (error.getType() != ServerErrorResponseType.ServerErrorResponseType_Unavailable) {
      // BadRequest and Unknown: the message is not sent again (ER-02); it is already committed.
      LOG.log(
          System.Logger.Level.WARNING,
          "the server answered with {0}: {1}",
          error.getType(),
          error.getErrorMessage());
      return;
    }
    Optional<Duration> serverDelay = Optional.empty();
    if (error.hasRetryInfo()) {
      long nanos = error.getRetryInfo().getRetryAfterNanoseconds();
      // An unsigned value (P-23): anything beyond a long's range is "very long".
      serverDelay = Optional.of(nanos < 0 ? Backoff.MAX_SERVER_DELAY : Duration.ofNanos(nanos));
    }
    Duration delay = backoff.throttledDelay(serverDelay);
    if (switching != null) {
      switchFailed(
          ExchangeFailure.of(
              ExchangeFailure.Kind.HTTP_STATUS,
              "the server is unavailable: " + error.getErrorMessage(),
              null));
      return;
    }
    if (transport() == Transport.WEBSOCKET) {
      // Disconnect, wait, reconnect (ER-05); say goodbye first (WS-14).
      closeGracefully().thenRun(() -> lane.execute(() -> scheduleConnect(delay)));
      state = ConnectionState.WAITING_TO_RECONNECT;
    } else {
      dropChannel();
      scheduleConnect(delay);
    }
  }

  private void adoptInstanceUid(ByteString bytes) {
    InstanceUid assigned;
    try {
      assigned = InstanceUid.fromBytes(bytes);
    } catch (InvalidInstanceUidException e) {
      LOG.log(System.Logger.Level.WARNING, "ignoring new_instance_uid: {0}", e.getMessage());
      return;
    }
    if (assigned.equals(uid)) {
      return;
    }
    previousUid = uid;
    uid = assigned;
    // Stop asking for an id once one was assigned (UID-07).
    long flags = pending.flags() & ~AgentToServerFlag.REQUEST_INSTANCE_UID.bit();
    pending.setFlags(flags);
    deliver(callbacks -> callbacks.onNewInstanceUid(assigned));
  }

  private void packagesOffered(PackagesAvailable packages) {
    PackageSyncer syncer = config.packageSyncer();
    if (syncer == null) {
      deliver(callbacks -> callbacks.onPackagesAvailable(packages));
      return;
    }
    if (syncRunning) {
      // Latest offer wins; the one it replaces is never synced.
      queuedPackages = packages;
      return;
    }
    syncRunning = true;
    CompletableFuture<Void> sync;
    try {
      sync = syncer.sync(packages, this::setPackageStatuses);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the package syncer failed", e);
      sync = CompletableFuture.completedFuture(null);
    }
    sync.whenComplete(
        (ignored, error) ->
            lane.execute(
                () -> {
                  if (error != null) {
                    LOG.log(System.Logger.Level.WARNING, "package sync failed", error);
                  }
                  syncRunning = false;
                  PackagesAvailable next = queuedPackages;
                  queuedPackages = null;
                  if (next != null && !stopRequested.get()) {
                    packagesOffered(next);
                  }
                }));
  }

  // ---------------------------------------------------------------------------------------------
  // Connection settings: protocol lane, with the application's decisions on the callback lane.

  private void connectionSettingsOffered(ConnectionSettingsOffers offers) {
    boolean sameHash =
        lastOffer != null
            && !offers.getHash().isEmpty()
            && offers.getHash().equals(lastOffer.getHash());
    if (sameHash || offers.equals(lastOffer)) {
      // Already handled; acting again would loop (P-09).
      return;
    }
    lastOffer = offers;
    long capabilities = pending.capabilities();
    if (offers.hasOpamp() && AgentCapability.REPORTS_HEARTBEAT.isSetIn(capabilities)) {
      // Applies with ReportsHeartbeat alone.
      offeredHeartbeat = Duration.ofSeconds(offers.getOpamp().getHeartbeatIntervalSeconds());
      if (inflight == null && channelOpen) {
        armHeartbeat();
      }
    }
    boolean opamp =
        offers.hasOpamp()
            && AgentCapability.ACCEPTS_OPAMP_CONNECTION_SETTINGS.isSetIn(capabilities);
    List<Map.Entry<TelemetrySignal, TelemetryConnectionSettings>> telemetry = new ArrayList<>();
    addTelemetry(
        telemetry,
        capabilities,
        TelemetrySignal.METRICS,
        offers.hasOwnMetrics(),
        offers.getOwnMetrics());
    addTelemetry(
        telemetry,
        capabilities,
        TelemetrySignal.TRACES,
        offers.hasOwnTraces(),
        offers.getOwnTraces());
    addTelemetry(
        telemetry, capabilities, TelemetrySignal.LOGS, offers.hasOwnLogs(), offers.getOwnLogs());
    Map<String, OtherConnectionSettings> others =
        AgentCapability.ACCEPTS_OTHER_CONNECTION_SETTINGS.isSetIn(capabilities)
            ? offers.getOtherConnectionsMap()
            : Map.of();
    if (!opamp && telemetry.isEmpty() && others.isEmpty()) {
      return;
    }
    ConnectionTarget candidate = null;
    String refusal = null;
    OpAMPConnectionSettings settings = offers.getOpamp();
    boolean needsSwitch =
        opamp && !settings.getDestinationEndpoint().isEmpty() && !active.isSameAs(settings);
    if (needsSwitch) {
      try {
        candidate = active.derive(settings, requestKey, scheduler, config.connectTimeout());
      } catch (GeneralSecurityException | RuntimeException e) {
        refusal = e.getMessage();
      }
    }
    ConnectionTarget derived = candidate;
    String derivationError = refusal;
    callbackLane.execute(
        () -> {
          List<String> errors = new ArrayList<>();
          ClientCallbacks callbacks = config.callbacks();
          for (Map.Entry<TelemetrySignal, TelemetryConnectionSettings> entry : telemetry) {
            tryCallback(
                errors,
                "own " + entry.getKey().name().toLowerCase(java.util.Locale.ROOT),
                () -> callbacks.onOwnTelemetryConnectionSettings(entry.getKey(), entry.getValue()));
          }
          others.forEach(
              (name, other) ->
                  tryCallback(
                      errors,
                      "other connection " + name,
                      () -> callbacks.onOtherConnectionSettings(name, other)));
          String opampError = derivationError;
          if (opamp && opampError == null) {
            List<String> opampErrors = new ArrayList<>();
            tryCallback(opampErrors, "opamp", () -> callbacks.onOpampConnectionSettings(settings));
            opampError = opampErrors.isEmpty() ? null : opampErrors.get(0);
          }
          String decided = opampError;
          lane.execute(() -> offerDecided(offers, needsSwitch, derived, decided, errors));
        });
  }

  private static void addTelemetry(
      List<Map.Entry<TelemetrySignal, TelemetryConnectionSettings>> list,
      long capabilities,
      TelemetrySignal signal,
      boolean present,
      TelemetryConnectionSettings settings) {
    // Delivered only for declared capabilities (GEN-09); absent means unchanged (CS-03).
    if (present && signal.capability().isSetIn(capabilities)) {
      list.add(Map.entry(signal, settings));
    }
  }

  private static void tryCallback(List<String> errors, String what, Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      errors.add(what + ": " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
    }
  }

  private void offerDecided(
      ConnectionSettingsOffers offers,
      boolean needsSwitch,
      ConnectionTarget candidate,
      String opampError,
      List<String> otherErrors) {
    if (stopRequested.get()) {
      return;
    }
    OpAMPConnectionSettings settings = offers.getOpamp();
    boolean opamp =
        offers.hasOpamp()
            && AgentCapability.ACCEPTS_OPAMP_CONNECTION_SETTINGS.isSetIn(pending.capabilities());
    if (opamp && opampError != null) {
      List<String> errors = new ArrayList<>(otherErrors);
      errors.add(0, opampError);
      reportSettingsStatus(offers.getHash(), errors);
      Throwable cause = new GeneralSecurityException(opampError);
      deliver(callbacks -> callbacks.onOpampConnectionSettingsFailed(settings, cause));
      return;
    }
    if (needsSwitch) {
      startSwitch(new Switch(offers.getHash(), settings, candidate, otherErrors));
      return;
    }
    reportSettingsStatus(offers.getHash(), otherErrors);
    if (opamp) {
      deliver(callbacks -> callbacks.onOpampConnectionSettingsApplied(settings));
    }
  }

  private void reportSettingsStatus(ByteString hash, List<String> errors) {
    if (errors.isEmpty()) {
      reportSettingsStatus(hash, ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED, "");
    } else {
      reportSettingsStatus(
          hash,
          ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED,
          String.join("; ", errors));
    }
  }

  private void reportSettingsStatus(
      ByteString hash, ConnectionSettingsStatuses status, String errorMessage) {
    if (!AgentCapability.REPORTS_CONNECTION_SETTINGS_STATUS.isSetIn(pending.capabilities())) {
      return;
    }
    pending.set(
        StatusPart.CONNECTION_SETTINGS_STATUS,
        ConnectionSettingsStatus.newBuilder()
            .setLastConnectionSettingsHash(hash)
            .setStatus(status)
            .setErrorMessage(errorMessage)
            .build());
    flush();
  }

  private void startSwitch(Switch pendingSwitch) {
    LOG.log(
        System.Logger.Level.INFO,
        "switching the OpAMP connection from {0} to {1}",
        active,
        pendingSwitch.candidate());
    // Report APPLYING first (OC-05); it rides on the goodbye message of the old connection.
    reportSettingsStatus(
        pendingSwitch.hash(), ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLYING, "");
    closeGracefully()
        .thenRun(
            () ->
                lane.execute(
                    () -> {
                      if (stopRequested.get()) {
                        return;
                      }
                      switching = pendingSwitch;
                      // A new endpoint may be a new server: tell it everything.
                      reported.clear();
                      connect();
                    }));
  }

  private void switchSucceeded() {
    Switch done = switching;
    switching = null;
    active = done.candidate();
    if (done.candidate().usesHeldKey()) {
      requestKey = null;
    }
    // The old settings are forgotten (OC-08).
    LOG.log(System.Logger.Level.INFO, "now connected with the offered settings to {0}", active);
    reportSettingsStatus(done.hash(), done.otherErrors());
    deliver(callbacks -> callbacks.onOpampConnectionSettingsApplied(done.offer()));
  }

  private void switchFailed(Throwable cause) {
    Switch failed = switching;
    switching = null;
    LOG.log(
        System.Logger.Level.WARNING,
        "the offered OpAMP connection settings do not work ({0}); going back to {1}",
        cause.getMessage(),
        active);
    List<String> errors = new ArrayList<>();
    errors.add("cannot connect with the offered settings: " + cause.getMessage());
    errors.addAll(failed.otherErrors());
    // Back to the old settings (OC-09); the old server may have forgotten this agent.
    reported.clear();
    reportSettingsStatus(failed.hash(), errors);
    deliver(callbacks -> callbacks.onOpampConnectionSettingsFailed(failed.offer(), cause));
    connect();
  }

  // ---------------------------------------------------------------------------------------------
  // Closing and stopping: protocol lane.

  /**
   * Sends {@code agent_disconnect} on the current channel if it is usable, then closes it (WS-11,
   * WS-14, DC-03). The returned future completes on any thread; it never fails.
   */
  private CompletableFuture<Void> closeGracefully() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Channel current = channel;
    if (current == null || !channelOpen) {
      dropChannel();
      done.complete(null);
      return done;
    }
    Runnable goodbye =
        () -> {
          if (channel != current) {
            done.complete(null);
            return;
          }
          cancelTimer();
          cancelReplyDeadline();
          // Nothing else is sent on this channel: the goodbye is its last message (DC-01).
          channelOpen = false;
          PendingMessage.Outgoing bye =
              pending.build(reported, uid, ++sequenceNum, serverCapabilities, true);
          int gen = ++generation;
          current
              .send(bye.message())
              .whenComplete(
                  (reply, error) ->
                      lane.execute(
                          () -> {
                            if (error == null) {
                              pending.commit(bye, reported);
                            } else {
                              pending.rollBack(bye);
                            }
                            if (gen == generation) {
                              channel = null;
                              channelOpen = false;
                              generation++;
                            }
                            current.close().whenComplete((ignored, e) -> done.complete(null));
                          }));
        };
    if (inflight != null) {
      // Never two requests at once (HT-09): the goodbye follows the answer.
      afterInflight = goodbye;
    } else {
      goodbye.run();
    }
    return done;
  }

  private void beginStop() {
    state = ConnectionState.STOPPING;
    cancelTimer();
    ScheduledFuture<?> deadline =
        scheduler.schedule(
            () -> lane.execute(this::finishStop),
            config.requestTimeout().toNanos() + config.connectTimeout().toNanos(),
            TimeUnit.NANOSECONDS);
    boolean reachable = channel != null && channelOpen;
    if (!reachable) {
      deadline.cancel(false);
      finishStop();
      return;
    }
    closeGracefully()
        .thenRun(
            () ->
                lane.execute(
                    () -> {
                      deadline.cancel(false);
                      finishStop();
                    }));
  }

  private void finishStop() {
    if (stopped.isDone()) {
      return;
    }
    afterInflight = null;
    dropChannel();
    cancelTimer();
    pending.failAll(stoppedException());
    state = ConnectionState.STOPPED;
    // Completed after the callbacks already queued, so that none runs after stop() returns.
    Runnable done =
        () -> {
          if (ownedScheduler != null) {
            ownedScheduler.shutdown();
          }
          stopped.complete(null);
        };
    if (!callbackLane.tryExecute(done)) {
      // The application's callback executor is shut down: nothing more will run there.
      done.run();
    }
  }

  private static IllegalStateException stoppedException() {
    return new IllegalStateException("the client is stopped");
  }

  // ---------------------------------------------------------------------------------------------
  // Callbacks.

  private void deliver(Consumer<ClientCallbacks> call) {
    ClientCallbacks callbacks = config.callbacks();
    callbackLane.execute(
        () -> {
          try {
            call.accept(callbacks);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a client callback failed", e);
          }
        });
  }
}
