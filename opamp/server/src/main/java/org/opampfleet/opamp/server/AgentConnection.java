/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

import java.util.EnumSet;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The server's handle on one connected agent instance, for sending to it and learning about it.
 *
 * <p><b>Thread safety:</b> every method may be called from any thread.
 */
public interface AgentConnection {

  /**
   * Returns the agent's instance UID: the one it reported, or the one the server assigned since.
   */
  InstanceUid instanceUid();

  /** Returns how the agent is connected. */
  TransportKind transport();

  /** Returns the request that opened the connection; for a plain-HTTP agent, its latest poll. */
  ConnectionRequest request();

  /** Returns the object {@link ConnectionDecision.Accept#withAttachment} attached, or null. */
  @Nullable Object attachment();

  /**
   * Returns the capabilities the agent last reported, as a raw bitmask that keeps bits this library
   * does not know. A message with {@code capabilities == 0} does not change it (P-05).
   */
  long capabilitiesMask();

  /** Returns the capabilities the agent last reported that this library knows. */
  default EnumSet<AgentCapability> capabilities() {
    return AgentCapability.BITMASK.toSet(capabilitiesMask());
  }

  /** Returns whether the agent reported a capability. */
  default boolean hasCapability(AgentCapability capability) {
    return capability.isSetIn(capabilitiesMask());
  }

  /**
   * Returns the executor that runs this connection's callbacks. Tasks submitted to it run one at a
   * time, in order, never concurrently with a callback of this connection.
   */
  Executor executor();

  /**
   * Sends parts of a {@code ServerToAgent} to the agent: to a WebSocket agent at once (or as soon
   * as its socket can take more), to a plain-HTTP agent in the reply to its next poll.
   *
   * <p>Latest state wins (ST-18, ER-11): until the message leaves, each part a later call sets
   * replaces the same part of an earlier call, and flags accumulate, so the memory held per agent
   * stays bounded whatever the send rate. A {@code command} is always delivered in a message of its
   * own (CM-02), after the other pending parts. The server fills in {@code instance_uid} and {@code
   * capabilities}, and leaves out parts the agent's capabilities do not accept (GEN-06); a message
   * over the size limit is dropped and recorded, never sent (WS-L4, HT-L4).
   *
   * @param message the parts to send; {@code instance_uid} and {@code capabilities} are ignored
   */
  void send(ServerToAgent message);

  /**
   * Gives the agent a new instance UID (UID-10), e.g. after detecting that two agents share one.
   * The agent receives it in {@code agent_identification}; from then on {@link #instanceUid()}
   * returns it, and messages with either UID reach this connection until the agent uses the new
   * one.
   */
  void assignInstanceUid(InstanceUid newInstanceUid);

  /** Returns whether the connection is still open. */
  boolean isOpen();

  /**
   * Closes the connection: a WebSocket agent's socket is closed (WS-12); a plain-HTTP agent's
   * session is forgotten, so its next poll starts a new connection. {@link
   * ConnectionCallbacks#onConnectionClosed} follows with {@link CloseReason#CLOSED_BY_SERVER}.
   */
  void close();
}
