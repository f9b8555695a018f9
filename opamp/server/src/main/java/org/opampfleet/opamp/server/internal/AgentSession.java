/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentIdentification;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.TransportConnection;

/**
 * One agent instance's session: what the protocol requires the server to remember about it, and its
 * outbox.
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> fields marked "confined" are read and written only on {@link #executor};
 * the outbox is guarded by {@code this}; the rest are volatile so any thread may read them.
 */
final class AgentSession implements AgentConnection {
  private static final System.Logger LOG = System.getLogger(AgentSession.class.getName());

  private final DefaultOpampServer server;
  private final TransportKind kind;
  private final Executor executor;
  private final ConnectionCallbacks callbacks;

  private volatile InstanceUid instanceUid;
  // An earlier UID still routed here until the agent uses the new one (UID-07).
  private volatile @Nullable InstanceUid previousInstanceUid;
  private volatile ConnectionRequest request;
  private volatile @Nullable Object attachment;
  private volatile long capabilities;
  private volatile long lastSeenMillis;
  private volatile boolean open = true;

  // Confined.
  private @Nullable TransportConnection socket;
  private boolean sequenceKnown;
  private long lastSequenceNum;
  private boolean connectedNotified;
  private boolean capabilitiesSent;
  private List<String> customCapabilities = List.of();

  // Guarded by this.
  private final Outbox outbox = new Outbox();
  // Guarded by this.
  private boolean flushScheduled;

  AgentSession(
      DefaultOpampServer server,
      TransportKind kind,
      Executor executor,
      ConnectionCallbacks callbacks,
      InstanceUid instanceUid,
      ConnectionRequest request,
      @Nullable Object attachment,
      @Nullable TransportConnection socket) {
    this.server = server;
    this.kind = kind;
    this.executor = executor;
    this.callbacks = callbacks;
    this.instanceUid = instanceUid;
    this.request = request;
    this.attachment = attachment;
    this.socket = socket;
    this.lastSeenMillis = server.clock().millis();
  }

  @Override
  public InstanceUid instanceUid() {
    return instanceUid;
  }

  @Nullable InstanceUid previousInstanceUid() {
    return previousInstanceUid;
  }

  @Override
  public TransportKind transport() {
    return kind;
  }

  @Override
  public ConnectionRequest request() {
    return request;
  }

  @Override
  public @Nullable Object attachment() {
    return attachment;
  }

  @Override
  public long capabilitiesMask() {
    return capabilities;
  }

  @Override
  public Executor executor() {
    return executor;
  }

  ConnectionCallbacks callbacks() {
    return callbacks;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  long lastSeenMillis() {
    return lastSeenMillis;
  }

  /** Records the latest HTTP poll's request, so {@link #request()} and the attachment follow it. */
  void updateRequest(ConnectionRequest latest, @Nullable Object latestAttachment) {
    this.request = latest;
    if (latestAttachment != null) {
      this.attachment = latestAttachment;
    }
  }

  @Override
  public void send(ServerToAgent message) {
    requireNonNull(message, "message");
    boolean schedule;
    synchronized (this) {
      server.metrics().pendingReplaced(outbox.add(message));
      schedule = kind == TransportKind.WEBSOCKET && !flushScheduled;
      flushScheduled |= schedule;
    }
    if (schedule) {
      executor.execute(this::flush);
    }
  }

  @Override
  public void assignInstanceUid(InstanceUid newInstanceUid) {
    requireNonNull(newInstanceUid, "newInstanceUid");
    executor.execute(
        () -> {
          reassign(newInstanceUid);
          flush();
        });
  }

  @Override
  public void close() {
    executor.execute(() -> end(CloseReason.CLOSED_BY_SERVER));
  }

  /**
   * Processes one message from the agent and answers it on {@code replyTo}. Runs on the executor.
   */
  void process(AgentToServer message, TransportConnection replyTo) {
    if (!open) {
      // The session ended while the message was on its way here: the transport opens a new one.
      server.reopen(this, message, replyTo);
      return;
    }
    lastSeenMillis = server.clock().millis();
    server.metrics().messageReceived(kind);
    if (message.getCapabilities() != 0) {
      // P-05: a poll or heartbeat that leaves capabilities at 0 does not drop them (GEN-08).
      capabilities = message.getCapabilities();
    }
    if (message.hasCustomCapabilities()) {
      customCapabilities = List.copyOf(message.getCustomCapabilities().getCapabilitiesList());
    }
    InstanceUid previous = previousInstanceUid;
    if (previous != null && !message.getInstanceUid().equals(previous.toByteString())) {
      // The agent uses its new UID now (UID-07): stop routing the old one here.
      server.forgetAlias(previous, this);
      previousInstanceUid = null;
      previous = null;
    }

    SequenceCheck sequence =
        SequenceCheck.of(sequenceKnown, lastSequenceNum, message.getSequenceNum());
    sequenceKnown = true;
    lastSequenceNum = message.getSequenceNum();
    boolean needFullState =
        sequence == SequenceCheck.GAP
            || (sequence == SequenceCheck.FIRST && isIncompleteFirstReport(message));

    if (AgentToServerFlag.REQUEST_INSTANCE_UID.isSetIn(message.getFlags())
        && server.assignsRequestedInstanceUids()
        && previous == null
        && sequence != SequenceCheck.DUPLICATE) {
      // UID-05: assign before the application sees the message, so it files the report under the
      // identity the agent will use from now on.
      reassign(server.newInstanceUid());
    }

    if (!connectedNotified) {
      connectedNotified = true;
      server.metrics().agentOpened(kind);
      try {
        callbacks.onConnected(this);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "onConnected failed for agent " + instanceUid, e);
      }
    }

    ServerToAgent appReply = null;
    if (sequence != SequenceCheck.DUPLICATE) {
      try {
        appReply = callbacks.onMessage(this, message);
      } catch (RuntimeException e) {
        LOG.log(
            Level.ERROR, "onMessage failed for agent " + instanceUid + "; replying without it", e);
      }
    }

    // UID-08: the reply carries the UID the message carried, even when it assigns a new one.
    ServerToAgent.Builder reply =
        ServerToAgent.newBuilder().setInstanceUid(message.getInstanceUid());
    if (needFullState) {
      // ST-16: a gap, or a first report that leaves out state the agent says it has.
      reply.setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit());
      server.metrics().fullStateRequested();
    }
    @Nullable ServerToAgentCommand command = null;
    synchronized (this) {
      if (appReply != null) {
        server.metrics().pendingReplaced(outbox.add(appReply));
      }
      outbox.drainInto(reply);
      if (kind == TransportKind.WEBSOCKET) {
        command = outbox.takeCommand();
        flushScheduled = false;
      } else if (!hasParts(reply)) {
        // CM-02: a command travels alone; over HTTP it waits for a reply with nothing else in it.
        command = outbox.takeCommand();
      }
    }
    if (command != null && kind == TransportKind.HTTP) {
      reply.setCommand(command);
      command = null;
    }
    deliver(reply, replyTo);
    if (command != null) {
      deliver(
          ServerToAgent.newBuilder().setInstanceUid(message.getInstanceUid()).setCommand(command),
          replyTo);
    }
    if (message.hasAgentDisconnect()) {
      end(CloseReason.AGENT_DISCONNECTED);
    }
  }

  /** Sends what waits in the outbox to a WebSocket agent, if its socket can take it. */
  void flush() {
    TransportConnection out = socket;
    if (!open || out == null) {
      return;
    }
    if (!out.isWritable()) {
      synchronized (this) {
        flushScheduled = false;
      }
      return; // onWritable() calls flush() again.
    }
    // Addressed to the UID the agent uses now: until it adopts a new one, the previous one.
    ServerToAgent.Builder message = ServerToAgent.newBuilder().setInstanceUid(uidInUse());
    @Nullable ServerToAgentCommand command;
    synchronized (this) {
      flushScheduled = false;
      if (outbox.isEmpty()) {
        return;
      }
      outbox.drainInto(message);
      command = outbox.takeCommand();
    }
    if (hasParts(message)) {
      deliver(message, out);
    }
    if (command != null) {
      deliver(ServerToAgent.newBuilder().setInstanceUid(uidInUse()).setCommand(command), out);
    }
  }

  private com.google.protobuf.ByteString uidInUse() {
    InstanceUid previous = previousInstanceUid;
    return (previous != null ? previous : instanceUid).toByteString();
  }

  /** Ends the session; runs on the executor. Idempotent. */
  void end(CloseReason reason) {
    if (!open) {
      return;
    }
    open = false;
    server.unregister(this);
    TransportConnection out = socket;
    socket = null;
    if (out != null && reason != CloseReason.CONNECTION_LOST) {
      out.close(reason);
    }
    if (connectedNotified) {
      server.metrics().agentClosed(kind, reason);
      try {
        callbacks.onConnectionClosed(this, reason);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "onConnectionClosed failed for agent " + instanceUid, e);
      }
    }
  }

  private void reassign(InstanceUid newInstanceUid) {
    if (!open || newInstanceUid.equals(instanceUid)) {
      return;
    }
    InstanceUid old = instanceUid;
    previousInstanceUid = old;
    instanceUid = newInstanceUid;
    server.registerAlias(newInstanceUid, this);
    // Into the outbox only: the caller replies or flushes next, on this executor.
    synchronized (this) {
      outbox.add(
          ServerToAgent.newBuilder()
              .setAgentIdentification(
                  AgentIdentification.newBuilder().setNewInstanceUid(newInstanceUid.toByteString()))
              .build());
    }
  }

  private void deliver(ServerToAgent.Builder message, TransportConnection out) {
    if (kind == TransportKind.HTTP || !capabilitiesSent) {
      // GEN-05/P-07: in the first reply of every WebSocket connection and in every HTTP reply.
      message.setCapabilities(server.capabilitiesMask());
      capabilitiesSent = true;
    }
    List<String> stripped = CapabilityFilter.strip(message, capabilities, customCapabilities);
    if (!stripped.isEmpty()) {
      server.metrics().partsDropped(stripped.size(), "agent_capabilities");
      LOG.log(
          Level.DEBUG,
          () ->
              "not sending "
                  + stripped
                  + " to agent "
                  + instanceUid
                  + ": its capabilities "
                  + AgentCapability.BITMASK.describe(capabilities)
                  + " do not accept them");
    }
    int size = message.build().getSerializedSize();
    if (!server.messageLimits().allows(size)) {
      // WS-L4/HT-L4: never send a message over the limit; keep the acknowledgement itself.
      server.metrics().partsDropped(1, "too_large");
      LOG.log(
          Level.WARNING,
          "dropped a "
              + size
              + "-byte message to agent "
              + instanceUid
              + ": over the limit of "
              + server.messageLimits().maxMessageBytes()
              + " bytes");
      ServerToAgent.Builder ack =
          ServerToAgent.newBuilder()
              .setInstanceUid(message.getInstanceUid())
              .setCapabilities(message.getCapabilities())
              .setFlags(message.getFlags());
      message = ack;
    }
    server.metrics().messageSent(kind);
    out.send(message.build());
  }

  /**
   * Whether a session's first report leaves out state the agent says it has: its description, or
   * its effective config or health when it reports those. Such a report comes from an agent that
   * compresses against what an earlier server (or an earlier connection) saw (ST-02, A-08).
   */
  private static boolean isIncompleteFirstReport(AgentToServer message) {
    long caps = message.getCapabilities();
    return !message.hasAgentDescription()
        || (AgentCapability.REPORTS_EFFECTIVE_CONFIG.isSetIn(caps) && !message.hasEffectiveConfig())
        || (AgentCapability.REPORTS_HEALTH.isSetIn(caps) && !message.hasHealth());
  }

  private static boolean hasParts(ServerToAgent.Builder m) {
    return m.hasRemoteConfig()
        || m.hasConnectionSettings()
        || m.hasPackagesAvailable()
        || m.hasAgentIdentification()
        || m.hasCustomCapabilities()
        || m.hasCustomMessage()
        || m.hasErrorResponse()
        || m.getFlags() != 0;
  }
}
