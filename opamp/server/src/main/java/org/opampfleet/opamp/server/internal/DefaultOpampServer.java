/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.InstanceUidGenerator;
import org.opampfleet.opamp.protocol.wire.InvalidInstanceUidException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.ServerCallbacks;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.InboundHandler;
import org.opampfleet.opamp.server.spi.TransportConnection;
import org.opampfleet.opamp.server.spi.TransportSupport;

/**
 * The OpAMP server engine.
 *
 * <p>Internal; not API; may change without notice. Thread-safe: the session table is a concurrent
 * map; each session's state is confined to its executor (see {@link AgentSession}).
 */
public final class DefaultOpampServer implements OpampServer, TransportSupport {
  private static final System.Logger LOG = System.getLogger(DefaultOpampServer.class.getName());
  private static final Duration SHUTDOWN_BATCH_INTERVAL = Duration.ofMillis(100);

  private final ServerCallbacks serverCallbacks;
  private final long capabilitiesMask;
  private final @Nullable Executor callbackExecutor;
  private final Duration idleTimeout;
  private final Clock clock;
  private final MessageLimits messageLimits;
  private final InstanceUidGenerator instanceUidGenerator;
  private final ServerMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ScheduledFuture<?> idleSweep;
  private final boolean assignRequestedInstanceUids;

  // Every UID an open session answers to: its own, and an earlier one until the agent moves on.
  private final ConcurrentHashMap<InstanceUid, AgentSession> sessions = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;

  /** Creates the engine; {@code OpampServerBuilder} validates every argument. */
  public DefaultOpampServer(
      ServerCallbacks serverCallbacks,
      long capabilitiesMask,
      @Nullable Executor callbackExecutor,
      Duration idleTimeout,
      Clock clock,
      MessageLimits messageLimits,
      InstanceUidGenerator instanceUidGenerator,
      io.opentelemetry.api.OpenTelemetry openTelemetry,
      @Nullable ScheduledExecutorService scheduler,
      boolean assignRequestedInstanceUids) {
    this.assignRequestedInstanceUids = assignRequestedInstanceUids;
    this.serverCallbacks = serverCallbacks;
    this.capabilitiesMask = capabilitiesMask;
    this.callbackExecutor = callbackExecutor;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
    this.messageLimits = messageLimits;
    this.instanceUidGenerator = instanceUidGenerator;
    this.metrics = new ServerMetrics(openTelemetry);
    this.ownsScheduler = scheduler == null;
    this.scheduler =
        scheduler != null
            ? scheduler
            : java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "opamp-server-timer");
                  thread.setDaemon(true);
                  return thread;
                });
    long sweepMillis = Math.max(1_000, idleTimeout.toMillis() / 4);
    this.idleSweep =
        this.scheduler.scheduleWithFixedDelay(
            this::expireIdleSessions, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
  }

  // ---- OpampServer ----------------------------------------------------------------------------

  @Override
  public Optional<AgentConnection> agent(InstanceUid instanceUid) {
    AgentSession session = sessions.get(instanceUid);
    return session != null && session.isOpen() ? Optional.of(session) : Optional.empty();
  }

  @Override
  public Collection<AgentConnection> agents() {
    IdentityHashMap<AgentSession, Boolean> distinct = new IdentityHashMap<>();
    for (AgentSession session : sessions.values()) {
      if (session.isOpen()) {
        distinct.put(session, Boolean.TRUE);
      }
    }
    return List.copyOf(distinct.keySet());
  }

  @Override
  public int agentCount() {
    return agents().size();
  }

  @Override
  public TransportSupport transportSupport() {
    return this;
  }

  @Override
  public void shutdown(Duration gracePeriod) {
    shuttingDown = true;
    List<AgentConnection> open = new ArrayList<>(agents());
    // Close in batches spread over the grace period, so agents do not all come back at once.
    long batches = Math.max(1, gracePeriod.toMillis() / SHUTDOWN_BATCH_INTERVAL.toMillis());
    int batchSize = (int) Math.max(1, (open.size() + batches - 1) / batches);
    for (int i = 0; i < open.size(); i += batchSize) {
      for (AgentConnection connection : open.subList(i, Math.min(open.size(), i + batchSize))) {
        AgentSession session = (AgentSession) connection;
        try {
          session.executor().execute(() -> session.end(CloseReason.SERVER_SHUTDOWN));
        } catch (RejectedExecutionException e) {
          // The application's callback executor stopped first: end the session here.
          session.end(CloseReason.SERVER_SHUTDOWN);
        }
      }
      if (i + batchSize < open.size()) {
        LockSupport.parkNanos(SHUTDOWN_BATCH_INTERVAL.toNanos());
      }
    }
    stopTimers();
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  // ---- TransportSupport -----------------------------------------------------------------------

  @Override
  public ConnectionDecision admit(ConnectionRequest request) {
    ConnectionDecision decision;
    if (shuttingDown) {
      decision =
          ConnectionDecision.reject(503, "the OpAMP server is shutting down")
              .withRetryAfter(Duration.ofSeconds(30));
    } else {
      try {
        decision = serverCallbacks.onConnecting(request);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "onConnecting failed for " + request.remoteAddress(), e);
        decision = ConnectionDecision.reject(500, "the server could not decide on the connection");
      }
      if (decision == null) {
        LOG.log(Level.ERROR, "onConnecting returned null for " + request.remoteAddress());
        decision = ConnectionDecision.reject(500, "the server could not decide on the connection");
      }
    }
    if (decision instanceof ConnectionDecision.Reject reject) {
      metrics.rejected(reject.status());
    }
    return decision;
  }

  @Override
  public InboundHandler open(
      TransportConnection connection,
      ConnectionRequest request,
      ConnectionDecision.Accept decision) {
    return connection.kind() == TransportKind.WEBSOCKET
        ? new WebSocketInbound(this, connection, request, decision)
        : new HttpExchange(this, connection, request, decision);
  }

  @Override
  public long serverCapabilitiesMask() {
    return capabilitiesMask;
  }

  // ---- For sessions and inbound handlers ------------------------------------------------------

  Clock clock() {
    return clock;
  }

  ServerMetrics metrics() {
    return metrics;
  }

  MessageLimits messageLimits() {
    return messageLimits;
  }

  long capabilitiesMask() {
    return capabilitiesMask;
  }

  InstanceUid newInstanceUid() {
    return instanceUidGenerator.next();
  }

  /**
   * Returns the message's instance UID, or null after answering a message whose UID is not 16 bytes
   * with a BadRequest (a pre-v0.10 ULID gets a message that says so).
   */
  @Nullable InstanceUid instanceUidOrReject(AgentToServer message, TransportConnection connection) {
    try {
      return InstanceUid.fromBytes(message.getInstanceUid());
    } catch (InvalidInstanceUidException e) {
      metrics.protocolError("invalid_instance_uid");
      connection.sendBadRequest(Errors.badRequest(message.getInstanceUid(), e.getMessage()));
      return null;
    }
  }

  boolean assignsRequestedInstanceUids() {
    return assignRequestedInstanceUids;
  }

  /** The executor a new session runs on: the connection's, or a serial view of the app's. */
  Executor sessionExecutor(TransportConnection connection) {
    return callbackExecutor == null ? connection.executor() : new SerialExecutor(callbackExecutor);
  }

  /**
   * Registers a new WebSocket session; an open session of the same agent instance on another
   * connection is replaced (WS-14, WS-15).
   */
  void registerWebSocket(AgentSession session) {
    AgentSession previous = sessions.put(session.instanceUid(), session);
    if (previous != null && previous != session) {
      LOG.log(
          Level.INFO,
          "agent " + session.instanceUid() + " connected again; closing its previous connection");
      previous.executor().execute(() -> previous.end(CloseReason.REPLACED));
    }
  }

  /** Returns the open HTTP session of an agent instance, creating it if there is none. */
  AgentSession httpSession(
      InstanceUid uid,
      TransportConnection connection,
      ConnectionRequest request,
      ConnectionDecision.Accept decision) {
    AgentSession[] replaced = new AgentSession[1];
    AgentSession session =
        sessions.compute(
            uid,
            (key, existing) -> {
              if (existing != null
                  && existing.isOpen()
                  && existing.transport() == TransportKind.HTTP) {
                return existing;
              }
              if (existing != null && existing.isOpen()) {
                replaced[0] = existing; // the agent moved from WebSocket to HTTP
              }
              return new AgentSession(
                  this,
                  TransportKind.HTTP,
                  sessionExecutor(connection),
                  decision.callbacks(),
                  uid,
                  request,
                  decision.attachment(),
                  null);
            });
    AgentSession moved = replaced[0];
    if (moved != null) {
      moved.executor().execute(() -> moved.end(CloseReason.REPLACED));
    }
    return session;
  }

  /**
   * Handles a message that reached a session which had just ended (an HTTP session that expired as
   * the poll arrived): it starts a new session.
   */
  void reopen(AgentSession ended, AgentToServer message, TransportConnection replyTo) {
    if (ended.transport() != TransportKind.HTTP) {
      return; // A WebSocket whose session ended is closing; nothing more is read from it.
    }
    AgentSession fresh =
        httpSession(
            ended.instanceUid(),
            replyTo,
            ended.request(),
            new ConnectionDecision.Accept(ended.callbacks(), ended.attachment()));
    fresh.executor().execute(() -> fresh.process(message, replyTo));
  }

  void registerAlias(InstanceUid alias, AgentSession session) {
    sessions.put(alias, session);
  }

  void forgetAlias(InstanceUid alias, AgentSession session) {
    sessions.remove(alias, session);
  }

  void unregister(AgentSession session) {
    sessions.remove(session.instanceUid(), session);
    InstanceUid previous = session.previousInstanceUid();
    if (previous != null) {
      sessions.remove(previous, session);
    }
  }

  private void expireIdleSessions() {
    long now = clock.millis();
    long limit = idleTimeout.toMillis();
    for (AgentSession session : sessions.values()) {
      if (session.isOpen() && now - session.lastSeenMillis() > limit) {
        session
            .executor()
            .execute(
                () -> {
                  if (clock.millis() - session.lastSeenMillis() > limit) {
                    session.end(CloseReason.IDLE_TIMEOUT);
                  }
                });
      }
    }
  }

  /** Runs the idle sweep now; for tests that drive time with a manual clock. */
  public void runIdleSweep() {
    expireIdleSessions();
  }

  private void stopTimers() {
    idleSweep.cancel(false);
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }
}
