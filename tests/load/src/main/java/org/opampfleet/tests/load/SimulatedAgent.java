/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import com.google.protobuf.ByteString;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentDisconnect;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * One simulated agent: its identity, what it has told the server, and its reaction to what the
 * server sends, over WebSocket or plain-HTTP polling.
 *
 * <p>It behaves as the specification asks of a client: the first message of every connection (and
 * of an HTTP agent's life) is a full status report (ST-01); later messages carry only what changed
 * (ST-12, status compression) and a {@code sequence_num} one higher than the last (ST-11); a
 * ReportFullState flag brings a full report (ST-17); WebSocket agents heartbeat once the interval
 * passes without a message (HB-05), HTTP agents poll at their interval; a remote config with a new
 * hash is reported APPLYING, then APPLIED with the new effective config, or FAILED (RC-07);
 * rejections are honoured ({@code Retry-After}, {@code retry_info}), other failures retried with
 * exponential backoff and full jitter (ER-08).
 *
 * <p><b>Thread safety:</b> not thread-safe: confined to {@link #loop()}. Other threads submit tasks
 * to it.
 */
final class SimulatedAgent {
  private static final long BACKOFF_BASE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long BACKOFF_CAP_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long LATE_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final AgentFleet fleet;
  private final long index;
  private final boolean http;
  private final EventLoop loop;

  private InstanceUid uid;
  private ByteString uidBytes;
  private long nextSequenceNum = 1;

  // What the next message must carry because the server does not have it yet.
  private boolean reportDescription = true;
  private boolean reportHealth = true;
  private boolean reportEffectiveConfig = true;
  private boolean reportRemoteConfigStatus;

  private boolean degraded;
  private long healthTimeUnixNano;
  private EffectiveConfig effectiveConfig;
  private @Nullable RemoteConfigStatus remoteConfigStatus;
  private ByteString remoteConfigHash = ByteString.EMPTY;
  private boolean outcomePending;

  // Connection state.
  private boolean started;
  private boolean stopping;
  private boolean connected; // counted in the stats' connected gauge
  private boolean firstReplyPending;
  private boolean dropping;
  private boolean reconnectExpected;
  private boolean pendingConnect; // counted in the fleet's in-flight connects
  private long connectStartNanos;
  private int failures;
  private long retryDelayNanos = -1;
  private @Nullable Channel channel;
  private @Nullable ScheduledFuture<?> timer;
  private long lastSentNanos;
  private long outstandingSinceNanos;
  private long churnSentNanos;
  private boolean stormPending;
  private boolean firstPollScheduled;

  // HTTP only.
  private boolean queued;
  private boolean inFlight;
  private boolean sendPending;
  private long pollDueNanos;

  SimulatedAgent(AgentFleet fleet, long index, boolean http, EventLoop loop, InstanceUid uid) {
    this.fleet = fleet;
    this.index = index;
    this.http = http;
    this.loop = loop;
    this.uid = uid;
    this.uidBytes = uid.toByteString();
    this.effectiveConfig = fleet.content().baseConfig();
  }

  /** Returns the event loop the agent is confined to. */
  EventLoop loop() {
    return loop;
  }

  /** Returns whether the agent polls over plain HTTP. */
  boolean isHttp() {
    return http;
  }

  /** Returns the agent's instance UID. */
  InstanceUid uid() {
    return uid;
  }

  // ---- Lifecycle ------------------------------------------------------------------------------

  /** Starts the agent: opens its WebSocket or sends its first poll. */
  void start() {
    if (started || stopping) {
      return;
    }
    started = true;
    if (http) {
      beginConnect();
      pollNow(System.nanoTime());
    } else {
      connect();
    }
  }

  /** Stops the agent: a WebSocket agent says goodbye (WS-11), then closes. */
  void stop() {
    stopping = true;
    cancelTimer();
    Channel ch = channel;
    if (ch != null && ch.isActive() && !firstReplyPending) {
      AgentToServer goodbye =
          header().setAgentDisconnect(AgentDisconnect.getDefaultInstance()).build();
      write(ch, goodbye);
      ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (ch != null) {
      ch.close();
    }
    markDisconnected();
  }

  /** Storm: closes the WebSocket at once and reconnects; the way back is timed. */
  void drop() {
    if (http || stopping || !started) {
      return;
    }
    stormPending = true;
    Channel ch = channel;
    if (ch != null && ch.isActive()) {
      dropping = true;
      ch.close();
    }
  }

  /** Storm by server restart: the next first reply on a new connection is timed. */
  void expectReconnect() {
    if (!http && started && !stopping) {
      stormPending = true;
      reconnectExpected = true;
    }
  }

  /** Churn: flips the agent's health and reports it. */
  void changeHealth() {
    if (!connected || stopping) {
      return;
    }
    degraded = !degraded;
    healthTimeUnixNano = System.currentTimeMillis() * 1_000_000L;
    reportHealth = true;
    churnSentNanos = System.nanoTime();
    fleet.stats().count(Counter.HEALTH_CHANGES);
    sendNow();
  }

  // ---- WebSocket ------------------------------------------------------------------------------

  private void connect() {
    if (stopping) {
      return;
    }
    beginConnect();
    fleet.stats().count(Counter.CONNECT_ATTEMPTS);
    fleet
        .openWebSocket(this)
        .addListener(
            future -> {
              if (!future.isSuccess()) {
                onConnectFailed(future.cause());
              }
            });
  }

  private void beginConnect() {
    connectStartNanos = System.nanoTime();
    firstReplyPending = true;
    if (!pendingConnect) {
      pendingConnect = true;
      fleet.connectStarted();
    }
  }

  private void endConnect() {
    if (pendingConnect) {
      pendingConnect = false;
      fleet.connectEnded();
    }
  }

  /** Called by the channel handler once the upgrade completed. */
  void onWebSocketOpen(Channel ch) {
    if (stopping) {
      ch.close();
      return;
    }
    channel = ch;
    fleet.stats().count(Counter.WEBSOCKETS_OPENED);
    // ST-01: the first message of every connection is a full status report.
    requireFullState();
    sendNow();
  }

  /** Called by the channel handler when the upgrade was refused with an HTTP status. */
  void onUpgradeRejected(int status, @Nullable String retryAfter) {
    onRejectedStatus(status, retryAfter);
  }

  /** Called by the channel handler when the channel closed. */
  void onChannelClosed(Channel ch) {
    if (channel != null && channel != ch) {
      return;
    }
    channel = null;
    cancelTimer();
    boolean wasConnected = connected;
    markDisconnected();
    if (stopping) {
      endConnect();
      return;
    }
    long delay;
    if (retryDelayNanos >= 0) {
      delay = retryDelayNanos;
      retryDelayNanos = -1;
    } else if (dropping || (reconnectExpected && wasConnected)) {
      dropping = false;
      reconnectExpected = false;
      fleet.stats().count(Counter.RECONNECTS);
      delay = jitter(fleet.options().reconnectJitter().toNanos());
    } else {
      if (wasConnected) {
        fleet.stats().error(ErrorKind.CONNECTION_LOST);
        fleet.stats().count(Counter.RECONNECTS);
        failures = 0;
        delay = jitter(fleet.options().reconnectJitter().toNanos());
      } else {
        delay = backoff();
      }
    }
    endConnect();
    schedule(this::connect, delay);
  }

  /** Called by the channel handler with a failure on an open channel. */
  void onChannelError(Throwable cause) {
    fleet.stats().error(ErrorKind.classify(cause));
  }

  private void onConnectFailed(Throwable cause) {
    ErrorKind kind = ErrorKind.classify(cause);
    fleet.stats().error(kind);
    fleet.limitHit(kind, cause);
    markDisconnected();
    endConnect();
    schedule(this::connect, backoff());
  }

  // ---- Messages from the server ---------------------------------------------------------------

  /** Handles one ServerToAgent from either transport. */
  void onServerMessage(ServerToAgent message, int bytes) {
    long now = System.nanoTime();
    fleet.stats().count(Counter.MESSAGES_RECEIVED);
    fleet.stats().add(Counter.BYTES_RECEIVED, bytes);
    if (!message.getInstanceUid().isEmpty() && !message.getInstanceUid().equals(uidBytes)) {
      return; // not for this instance.
    }
    if (!http && outstandingSinceNanos != 0) {
      fleet.stats().record(Latency.REPLY, (now - outstandingSinceNanos) / 1000);
      outstandingSinceNanos = 0;
    }
    if (message.hasErrorResponse()) {
      onErrorResponse(message);
      return;
    }
    if (firstReplyPending) {
      firstReplyPending = false;
      failures = 0;
      endConnect();
      fleet.stats().record(Latency.CONNECT, (now - connectStartNanos) / 1000);
      if (!connected) {
        connected = true;
        fleet.stats().connected(http, 1);
      }
      if (stormPending) {
        stormPending = false;
        fleet.phaseCompleted(Latency.RECONNECT);
      }
      if (!http) {
        // Heartbeats start at a random phase, as in a fleet whose agents started at random times.
        schedule(this::firstHeartbeat, randomBelow(fleet.options().heartbeat().toNanos()));
      }
    }
    if (churnSentNanos != 0) {
      fleet.stats().record(Latency.CHURN, (now - churnSentNanos) / 1000);
      churnSentNanos = 0;
    }
    if (ServerToAgentFlag.REPORT_FULL_STATE.isSetIn(message.getFlags())) {
      fleet.stats().count(Counter.FULL_STATE_REQUESTED);
      requireFullState();
      sendPending = true;
    }
    if (message.hasAgentIdentification()) {
      // UID-07: adopt the new UID; the description names it (UID-12).
      try {
        uid = InstanceUid.fromBytes(message.getAgentIdentification().getNewInstanceUid());
        uidBytes = uid.toByteString();
        reportDescription = true;
        sendPending = true;
      } catch (IllegalArgumentException e) {
        fleet.stats().error(ErrorKind.MALFORMED_REPLY);
      }
    }
    if (message.hasRemoteConfig()) {
      onRemoteConfig(message.getRemoteConfig());
    }
    if (!http && sendPending) {
      sendNow();
    }
  }

  private void onErrorResponse(ServerToAgent message) {
    var error = message.getErrorResponse();
    if (error.getType() == ServerErrorResponseType.ServerErrorResponseType_Unavailable) {
      // ER-05: disconnect, wait as told (or back off), reconnect.
      fleet.stats().count(Counter.REJECTED_UNAVAILABLE);
      long delay;
      if (error.hasRetryInfo() && error.getRetryInfo().getRetryAfterNanoseconds() > 0) {
        fleet.stats().count(Counter.RETRY_AFTER_HONOURED);
        delay = honour(error.getRetryInfo().getRetryAfterNanoseconds());
      } else {
        delay = backoff();
      }
      if (http) {
        afterHttpFailure(delay);
      } else {
        retryDelayNanos = delay;
        Channel ch = channel;
        if (ch != null) {
          ch.close();
        }
      }
      return;
    }
    // ER-02: a BadRequest or Unknown answer is not retried.
    fleet.stats().error(ErrorKind.SERVER_ERROR_RESPONSE);
    if (firstReplyPending) {
      firstReplyPending = false;
      endConnect();
    }
  }

  private void onRemoteConfig(AgentRemoteConfig remote) {
    ByteString hash = remote.getConfigHash();
    if (hash.equals(remoteConfigHash)) {
      return; // Already applied, applying or failed: nothing changed (ST-08).
    }
    fleet.stats().count(Counter.CONFIGS_RECEIVED);
    remoteConfigHash = hash;
    remoteConfigStatus =
        RemoteConfigStatus.newBuilder()
            .setLastRemoteConfigHash(hash)
            .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLYING)
            .build();
    reportRemoteConfigStatus = true;
    sendPending = true;
    long delay = fleet.options().applyDelay().toNanos();
    if (delay == 0) {
      if (!http) {
        sendNow(); // APPLYING first (RC-07), then the outcome.
      }
      apply(remote);
    } else {
      if (!http) {
        sendNow();
      }
      // Not the agent's timer slot: that one holds its heartbeat or next poll.
      loop.schedule(() -> apply(remote), delay, TimeUnit.NANOSECONDS);
    }
  }

  private void apply(AgentRemoteConfig remote) {
    if (!remote.getConfigHash().equals(remoteConfigHash)) {
      return; // A newer config arrived meanwhile.
    }
    RemoteConfigStatus.Builder status =
        RemoteConfigStatus.newBuilder().setLastRemoteConfigHash(remote.getConfigHash());
    if (fleet.fails(uid, remote.getConfigHash())) {
      status
          .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_FAILED)
          .setErrorMessage(
              "simulated failure: exporters::otlphttp::endpoint: invalid URL (loadgen"
                  + " --fail-fraction)");
      fleet.stats().count(Counter.CONFIGS_FAILED);
    } else {
      effectiveConfig = fleet.content().configWith(remote);
      reportEffectiveConfig = true;
      status.setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
      fleet.stats().count(Counter.CONFIGS_APPLIED);
    }
    remoteConfigStatus = status.build();
    reportRemoteConfigStatus = true;
    outcomePending = true;
    sendNow();
  }

  // ---- Sending --------------------------------------------------------------------------------

  /** Sends what changed: at once on a WebSocket, with the next request over HTTP. */
  private void sendNow() {
    if (stopping) {
      return;
    }
    if (http) {
      sendPending = true;
      if (!inFlight && !queued && started) {
        pollNow(System.nanoTime());
      }
      return;
    }
    Channel ch = channel;
    sendPending = false;
    if (ch == null || !ch.isActive()) {
      return; // The next connection starts with a full report anyway.
    }
    write(ch, nextMessage());
  }

  private void write(Channel ch, AgentToServer message) {
    byte[] framed = WebSocketFraming.frame(message);
    long now = System.nanoTime();
    lastSentNanos = now;
    if (outstandingSinceNanos == 0) {
      outstandingSinceNanos = now;
    }
    fleet.stats().count(Counter.MESSAGES_SENT);
    fleet.stats().add(Counter.BYTES_SENT, framed.length);
    ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(framed)), ch.voidPromise());
  }

  private void firstHeartbeat() {
    timer = null;
    Channel ch = channel;
    if (stopping || ch == null || !ch.isActive()) {
      return;
    }
    // Early on purpose (HB-05 only sets a maximum): from here on the heartbeats keep this phase.
    fleet.stats().count(Counter.HEARTBEATS_SENT);
    write(ch, nextMessage());
    schedule(this::heartbeatDue, fleet.options().heartbeat().toNanos());
  }

  private void heartbeatDue() {
    timer = null;
    Channel ch = channel;
    if (stopping || ch == null || !ch.isActive()) {
      return;
    }
    long interval = fleet.options().heartbeat().toNanos();
    long elapsed = System.nanoTime() - lastSentNanos;
    if (elapsed >= interval - TimeUnit.MILLISECONDS.toNanos(5)) {
      // HB-05: a heartbeat only when nothing else was sent for a whole interval.
      fleet.stats().count(Counter.HEARTBEATS_SENT);
      write(ch, nextMessage());
      schedule(this::heartbeatDue, interval);
    } else {
      schedule(this::heartbeatDue, interval - elapsed);
    }
  }

  /**
   * Builds the next message: instance UID, sequence number and capabilities always (GEN-02, ST-11),
   * and every status part the server does not have yet.
   */
  AgentToServer nextMessage() {
    AgentToServer.Builder message = header();
    boolean status = false;
    if (reportDescription) {
      message.setAgentDescription(fleet.content().description(uid, index));
      reportDescription = false;
      status = true;
    }
    if (reportHealth) {
      if (healthTimeUnixNano == 0) {
        healthTimeUnixNano = System.currentTimeMillis() * 1_000_000L;
      }
      message.setHealth(fleet.content().health(degraded, healthTimeUnixNano));
      reportHealth = false;
      status = true;
    }
    if (reportEffectiveConfig) {
      message.setEffectiveConfig(effectiveConfig);
      reportEffectiveConfig = false;
      status = true;
    }
    if (reportRemoteConfigStatus && remoteConfigStatus != null) {
      message.setRemoteConfigStatus(remoteConfigStatus);
      reportRemoteConfigStatus = false;
      status = true;
      if (outcomePending
          && remoteConfigStatus.getStatus() != RemoteConfigStatuses.RemoteConfigStatuses_APPLYING) {
        // The rollout is timed until the outcome leaves the agent.
        outcomePending = false;
        fleet.phaseCompleted(Latency.ROLLOUT);
      }
    }
    if (status) {
      fleet.stats().count(Counter.STATUS_REPORTS_SENT);
    }
    return message.build();
  }

  private AgentToServer.Builder header() {
    return AgentToServer.newBuilder()
        .setInstanceUid(uidBytes)
        .setSequenceNum(nextSequenceNum++)
        .setCapabilities(AgentContent.CAPABILITIES);
  }

  private void requireFullState() {
    reportDescription = true;
    reportHealth = true;
    reportEffectiveConfig = true;
    reportRemoteConfigStatus = remoteConfigStatus != null;
  }

  // ---- HTTP polling ---------------------------------------------------------------------------

  private void pollNow(long dueNanos) {
    if (stopping || queued || inFlight) {
      return;
    }
    cancelTimer();
    queued = true;
    pollDueNanos = dueNanos;
    fleet.poolFor(this).submit(this);
  }

  private void pollDue() {
    timer = null;
    pollNow(System.nanoTime());
  }

  /** Called by the pool when a connection is free: returns the request body to send. */
  AgentToServer beginHttpRequest(long nowNanos) {
    queued = false;
    inFlight = true;
    sendPending = false;
    if (nowNanos - pollDueNanos > LATE_POLL_NANOS) {
      fleet.stats().count(Counter.LATE_POLLS);
    }
    AgentToServer message = nextMessage();
    lastSentNanos = nowNanos;
    fleet.stats().count(Counter.MESSAGES_SENT);
    fleet.stats().count(Counter.POLLS_SENT);
    fleet.stats().add(Counter.BYTES_SENT, message.getSerializedSize());
    return message;
  }

  /** Called by the pool with the decoded answer to this agent's request. */
  void onHttpReply(ServerToAgent message, int bytes, long sentNanos) {
    inFlight = false;
    fleet.stats().record(Latency.POLL, (System.nanoTime() - sentNanos) / 1000);
    onServerMessage(message, bytes);
    if (!inFlight && !queued) {
      afterHttpExchange();
    }
  }

  /** Called by the pool when the request was answered with an HTTP error status. */
  void onHttpStatus(int status, @Nullable String retryAfter) {
    inFlight = false;
    onRejectedStatus(status, retryAfter);
  }

  /** Called by the pool when the request failed at the connection level. */
  void onHttpFailure(Throwable cause) {
    inFlight = false;
    if (stopping) {
      return; // the pool closed its connections because the run ends
    }
    ErrorKind kind = ErrorKind.classify(cause);
    fleet.stats().error(kind);
    fleet.limitHit(kind, cause);
    afterHttpFailure(backoff());
  }

  private void afterHttpExchange() {
    if (stopping) {
      return;
    }
    if (sendPending) {
      pollNow(System.nanoTime()); // HT-09: the next request may follow the response at once.
      return;
    }
    long interval = fleet.options().pollInterval().toNanos();
    long delay = interval;
    if (!firstPollScheduled) {
      firstPollScheduled = true;
      delay = randomBelow(interval); // polls spread over the interval, as in a real fleet
    }
    long due = System.nanoTime() + delay;
    schedule(() -> pollNow(due), delay);
  }

  private void afterHttpFailure(long delay) {
    // The server may not have seen the message: reuse its sequence number with full state.
    nextSequenceNum = Math.max(1, nextSequenceNum - 1);
    requireFullState();
    if (connected) {
      connected = false;
      fleet.stats().connected(true, -1);
    }
    if (!firstReplyPending) {
      beginConnect();
    }
    if (!stopping) {
      schedule(this::pollDue, delay);
    }
  }

  // ---- Shared ---------------------------------------------------------------------------------

  private void onRejectedStatus(int status, @Nullable String retryAfter) {
    long delay;
    if (status == 503 || status == 429) {
      fleet.stats().count(status == 503 ? Counter.REJECTED_HTTP_503 : Counter.REJECTED_HTTP_429);
      long seconds = parseRetryAfterSeconds(retryAfter);
      if (seconds > 0) {
        fleet.stats().count(Counter.RETRY_AFTER_HONOURED);
        delay = honour(TimeUnit.SECONDS.toNanos(seconds));
      } else {
        delay = backoff();
      }
    } else {
      fleet.stats().error(ErrorKind.HTTP_STATUS);
      delay = backoff();
    }
    if (http) {
      afterHttpFailure(delay);
    } else {
      retryDelayNanos = delay;
    }
  }

  private void markDisconnected() {
    if (connected) {
      connected = false;
      fleet.stats().connected(http, -1);
    }
    outstandingSinceNanos = 0;
  }

  private void schedule(Runnable task, long delayNanos) {
    cancelTimer();
    if (stopping) {
      return;
    }
    timer = loop.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
      timer = null;
    }
  }

  /** Exponential backoff with full jitter (ER-08). */
  private long backoff() {
    failures = Math.min(failures + 1, 16);
    long ceiling = Math.min(BACKOFF_CAP_NANOS, BACKOFF_BASE_NANOS << Math.min(failures - 1, 10));
    return randomBelow(ceiling);
  }

  /** Waits as long as the server asked, plus up to 10% so the retries do not arrive together. */
  private static long honour(long nanos) {
    return nanos + randomBelow(Math.max(1, nanos / 10));
  }

  private static long jitter(long maxNanos) {
    return maxNanos <= 0 ? 0 : randomBelow(maxNanos);
  }

  private static long randomBelow(long bound) {
    return bound <= 1 ? 0 : ThreadLocalRandom.current().nextLong(bound);
  }

  /** Parses {@code Retry-After} as delay-seconds; an HTTP date counts as 30 seconds. */
  static long parseRetryAfterSeconds(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 30; // An HTTP date (ER-07); 30 seconds is the spec's recommended minimum.
    }
  }
}
