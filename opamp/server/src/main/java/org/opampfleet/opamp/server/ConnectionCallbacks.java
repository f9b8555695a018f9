/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;

/**
 * What the application does with one agent's connection.
 *
 * <p><b>Thread safety:</b> the methods are never invoked concurrently for the same connection, and
 * always on the connection's {@linkplain AgentConnection#executor() executor}. With the default
 * executor (the transport's event loop) they must not block; see the package documentation.
 *
 * <p><b>Lifecycle:</b> {@link #onConnected} once, before the first {@link #onMessage}; {@link
 * #onMessage} for every message the agent sends; {@link #onConnectionClosed} once at the end. For a
 * WebSocket agent the connection is the socket. For a plain-HTTP agent it is the series of polls
 * from one instance UID, from its first request until it sends {@code agent_disconnect} or stops
 * polling for longer than the idle timeout.
 */
public interface ConnectionCallbacks {

  /**
   * Called when an agent connection starts, just before its first message is delivered; {@link
   * AgentConnection#instanceUid()} is known.
   */
  default void onConnected(AgentConnection connection) {}

  /**
   * Called for every message the agent sends.
   *
   * <p>The server has already done the session duties: it checked the sequence number and, on a gap
   * or an incomplete first report, will ask the agent for its full state (ST-16); duplicates of the
   * previous message (a retry) are answered without calling this method (ER-10); a requested
   * instance UID was assigned (UID-05) and {@code connection.instanceUid()} already returns it.
   * Status parts the agent left out because they did not change (ST-12) are absent from {@code
   * message}: treat them as unchanged (ST-15).
   *
   * @return parts to put in the reply to this message (merged with anything already {@linkplain
   *     AgentConnection#send sent}), or {@code null} for none; the server always replies (ST-04)
   */
  @Nullable ServerToAgent onMessage(AgentConnection connection, AgentToServer message);

  /**
   * Called once when the connection ends. No callback for this connection follows.
   *
   * @param reason why it ended
   */
  default void onConnectionClosed(AgentConnection connection, CloseReason reason) {}
}
