/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import com.google.protobuf.Message;
import java.security.PrivateKey;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.opampfleet.opamp.protocol.AgentDisconnect;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ConnectionSettingsRequest;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerCapability;

/**
 * The next {@code AgentToServer}, kept as the latest value of every piece of state rather than a
 * queue of changes (ST-18, ER-11): setting a part replaces its previous value, and a message built
 * from it carries every change since the server last received one. Custom messages, which are
 * events, wait in a small bounded queue; a connection settings request waits in a single slot.
 *
 * <p>Building a message takes out what it carries; the transport's outcome then either commits it
 * (the parts become reported) or rolls it back (everything is pending again), so nothing is lost
 * when a send fails.
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> thread-safe; every method synchronizes on this object. Setters run on
 * application threads; building, committing and rolling back run on the protocol lane.
 */
public final class PendingMessage {

  /** How many custom messages may wait to be sent. */
  public static final int MAX_PENDING_CUSTOM_MESSAGES = 16;

  private final Map<StatusPart, Message> current = new EnumMap<>(StatusPart.class);
  private long capabilities;
  private long flags;
  private boolean headerChanged;
  private boolean fullStateRequested;
  private boolean componentsRequested;
  private final Deque<QueuedCustomMessage> customMessages = new ArrayDeque<>();
  private QueuedRequest connectionSettingsRequest;

  /** A custom message waiting to be sent, with the future its sender holds. */
  record QueuedCustomMessage(CustomMessage message, CompletableFuture<Void> sent) {}

  /** A connection settings request waiting to be sent, with its key and its sender's future. */
  record QueuedRequest(
      ConnectionSettingsRequest request, PrivateKey key, CompletableFuture<Void> sent) {}

  /**
   * A built message and what it took out of the pending state, to commit or roll back.
   *
   * @param message the message
   * @param parts the compressible parts it carries
   * @param headerChanged whether it carries changed capabilities or flags
   * @param fullState whether it answers a full-state request
   * @param components whether it carries the full components map the server asked for
   * @param customMessage the custom message it carries, or null
   * @param request the connection settings request it carries, or null
   */
  public record Outgoing(
      AgentToServer message,
      Map<StatusPart, Message> parts,
      boolean headerChanged,
      boolean fullState,
      boolean components,
      QueuedCustomMessage customMessage,
      QueuedRequest request) {

    /** Returns whether the message carries an {@code agent_disconnect}. */
    public boolean isDisconnect() {
      return message.hasAgentDisconnect();
    }
  }

  /** Creates a pending message with the start-time capabilities and flags. */
  public PendingMessage(long capabilities, long flags) {
    this.capabilities = capabilities;
    this.flags = flags;
  }

  /**
   * Sets the current value of a part, or removes it when {@code value} is null.
   *
   * @return whether the value changed
   */
  public synchronized boolean set(StatusPart part, Message value) {
    Message old = value == null ? current.remove(part) : current.put(part, value);
    return value == null ? old != null : !value.equals(old);
  }

  /** Returns the current value of a part, or null. */
  public synchronized Message get(StatusPart part) {
    return current.get(part);
  }

  /** Sets the capabilities mask; returns whether it changed. */
  public synchronized boolean setCapabilities(long mask) {
    if (mask == capabilities) {
      return false;
    }
    capabilities = mask;
    headerChanged = true;
    return true;
  }

  /** Returns the capabilities mask. */
  public synchronized long capabilities() {
    return capabilities;
  }

  /** Sets the flags mask; returns whether it changed. */
  public synchronized boolean setFlags(long mask) {
    if (mask == flags) {
      return false;
    }
    flags = mask;
    headerChanged = true;
    return true;
  }

  /** Returns the flags mask. */
  public synchronized long flags() {
    return flags;
  }

  /** Asks for every part to be sent in the next message (ST-17). */
  public synchronized void requestFullState() {
    fullStateRequested = true;
  }

  /** Asks for the full {@code available_components} map in the next message (AV-04). */
  public synchronized void requestComponents() {
    componentsRequested = true;
  }

  /**
   * Queues a custom message.
   *
   * @return the future completed when it was sent; failed when the queue is full
   */
  public synchronized CompletableFuture<Void> addCustomMessage(CustomMessage message) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    if (customMessages.size() >= MAX_PENDING_CUSTOM_MESSAGES) {
      sent.completeExceptionally(
          new IllegalStateException(
              MAX_PENDING_CUSTOM_MESSAGES
                  + " custom messages are already waiting to be sent (expected: fewer; wait"
                  + " for an earlier message's future)"));
      return sent;
    }
    customMessages.add(new QueuedCustomMessage(message, sent));
    return sent;
  }

  /**
   * Sets the connection settings request to send, replacing (and failing) one not sent yet.
   *
   * @return the future completed when it was sent
   */
  public synchronized CompletableFuture<Void> setConnectionSettingsRequest(
      ConnectionSettingsRequest request, PrivateKey key) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    if (connectionSettingsRequest != null) {
      connectionSettingsRequest
          .sent()
          .completeExceptionally(
              new IllegalStateException("replaced by a newer connection settings request"));
    }
    connectionSettingsRequest = new QueuedRequest(request, key, sent);
    return sent;
  }

  /**
   * Fails a waiting connection settings request because the server does not accept such requests
   * (CR-01, GEN-07).
   */
  public synchronized void rejectConnectionSettingsRequest(long serverCapabilities) {
    if (connectionSettingsRequest != null
        && serverCapabilities != 0
        && !ServerCapability.ACCEPTS_CONNECTION_SETTINGS_REQUEST.isSetIn(serverCapabilities)) {
      connectionSettingsRequest
          .sent()
          .completeExceptionally(
              new IllegalStateException(
                  "the server does not accept connection settings requests (its capabilities: "
                      + ServerCapability.BITMASK.describe(serverCapabilities)
                      + "; expected: ACCEPTS_CONNECTION_SETTINGS_REQUEST)"));
      connectionSettingsRequest = null;
    }
  }

  /** Returns whether a message must be sent because something changed since the reported state. */
  public synchronized boolean hasChanges(ReportedState reported, long serverCapabilities) {
    if (headerChanged || fullStateRequested || !customMessages.isEmpty()) {
      return true;
    }
    if (componentsRequested && isReportable(StatusPart.AVAILABLE_COMPONENTS, serverCapabilities)) {
      return true;
    }
    if (connectionSettingsRequest != null && acceptsRequests(serverCapabilities)) {
      return true;
    }
    for (Map.Entry<StatusPart, Message> entry : current.entrySet()) {
      if (isReportable(entry.getKey(), serverCapabilities)
          && !reported.isReported(entry.getKey(), entry.getValue())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Builds the next message and takes out what it carries.
   *
   * @param reported what the server has, for compression
   * @param uid the instance UID to send
   * @param sequenceNum the message's sequence number
   * @param serverCapabilities the server's capabilities, 0 while unknown
   * @param disconnect whether the message is the last one and carries {@code agent_disconnect}
   */
  public synchronized Outgoing build(
      ReportedState reported,
      InstanceUid uid,
      long sequenceNum,
      long serverCapabilities,
      boolean disconnect) {
    AgentToServer.Builder message =
        AgentToServer.newBuilder()
            .setInstanceUid(uid.toByteString())
            .setSequenceNum(sequenceNum)
            // Capabilities go in every message (GEN-02, A-02).
            .setCapabilities(capabilities)
            .setFlags(flags);
    boolean full = fullStateRequested;
    boolean components =
        componentsRequested && isReportable(StatusPart.AVAILABLE_COMPONENTS, serverCapabilities);
    Map<StatusPart, Message> parts = new EnumMap<>(StatusPart.class);
    for (Map.Entry<StatusPart, Message> entry : current.entrySet()) {
      StatusPart part = entry.getKey();
      Message value = entry.getValue();
      if (!isReportable(part, serverCapabilities)) {
        continue;
      }
      boolean componentsNow = part == StatusPart.AVAILABLE_COMPONENTS && components;
      if (full || componentsNow || !reported.isReported(part, value)) {
        if (part == StatusPart.AVAILABLE_COMPONENTS && !componentsNow) {
          // Only the hash unless the server asked for the map (AV-03, AV-04).
          value =
              AvailableComponents.newBuilder()
                  .setHash(((AvailableComponents) value).getHash())
                  .build();
        }
        part.setOn(message, value);
        parts.put(part, value);
      }
    }
    QueuedCustomMessage custom = customMessages.poll();
    if (custom != null) {
      message.setCustomMessage(custom.message());
    }
    QueuedRequest request = null;
    if (connectionSettingsRequest != null && acceptsRequests(serverCapabilities)) {
      request = connectionSettingsRequest;
      connectionSettingsRequest = null;
      message.setConnectionSettingsRequest(request.request());
    }
    if (disconnect) {
      message.setAgentDisconnect(AgentDisconnect.getDefaultInstance());
    }
    Outgoing outgoing =
        new Outgoing(
            message.build(),
            Collections.unmodifiableMap(parts),
            headerChanged,
            full,
            components,
            custom,
            request);
    headerChanged = false;
    fullStateRequested = false;
    if (components) {
      componentsRequested = false;
    }
    return outgoing;
  }

  /** Records that the server received a message: its parts are now reported. */
  public void commit(Outgoing outgoing, ReportedState reported) {
    reported.record(outgoing.parts());
    if (outgoing.customMessage() != null) {
      outgoing.customMessage().sent().complete(null);
    }
    if (outgoing.request() != null) {
      outgoing.request().sent().complete(null);
    }
  }

  /** Puts back what a message that was not delivered took out, so that the next one carries it. */
  public synchronized void rollBack(Outgoing outgoing) {
    headerChanged |= outgoing.headerChanged();
    fullStateRequested |= outgoing.fullState();
    componentsRequested |= outgoing.components();
    if (outgoing.customMessage() != null) {
      customMessages.addFirst(outgoing.customMessage());
    }
    if (outgoing.request() != null) {
      if (connectionSettingsRequest == null) {
        connectionSettingsRequest = outgoing.request();
      } else {
        // A newer request arrived meanwhile; it replaces this one.
        outgoing
            .request()
            .sent()
            .completeExceptionally(
                new IllegalStateException("replaced by a newer connection settings request"));
      }
    }
  }

  /** Fails every waiting custom message and request: the client stopped. */
  public synchronized void failAll(Throwable cause) {
    for (QueuedCustomMessage queued : customMessages) {
      queued.sent().completeExceptionally(cause);
    }
    customMessages.clear();
    if (connectionSettingsRequest != null) {
      connectionSettingsRequest.sent().completeExceptionally(cause);
      connectionSettingsRequest = null;
    }
  }

  private boolean isReportable(StatusPart part, long serverCapabilities) {
    return part.isReportable(capabilities, serverCapabilities);
  }

  private static boolean acceptsRequests(long serverCapabilities) {
    // Sent only once the server is known to accept it (CR-01, GEN-07).
    return ServerCapability.ACCEPTS_CONNECTION_SETTINGS_REQUEST.isSetIn(serverCapabilities);
  }
}
