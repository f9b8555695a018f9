/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;

/**
 * One attempt at talking to the server with fixed connection settings: a WebSocket connection, or a
 * series of plain-HTTP requests. The client opens a channel, sends on it one message at a time, and
 * replaces it after a failure or a settings switch.
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe; the client calls them from its protocol
 * lane, never with two sends outstanding.
 */
public interface Channel {

  /**
   * Opens the channel: the WebSocket handshake, or nothing for plain HTTP.
   *
   * @return completed when open; failed with an {@link ExchangeFailure} (or the transport's
   *     exception) when the server could not be reached or refused the connection
   */
  CompletableFuture<Void> open();

  /**
   * Sends one message. At most one send is outstanding at a time.
   *
   * @return for WebSocket, completed with an empty optional once the message was written (replies
   *     arrive through {@link Listener#onMessage}); for plain HTTP, completed with the server's
   *     reply; failed if the message could not be delivered
   */
  CompletableFuture<Optional<ServerToAgent>> send(AgentToServer message);

  /**
   * Closes the channel gracefully: a WebSocket Close frame, then waits (bounded by the request
   * timeout) for the server's Close before dropping the connection (WS-11). Never fails.
   */
  CompletableFuture<Void> close();

  /** Drops the channel at once, without a closing handshake. */
  void abort();

  /** Receives what arrives on a channel without being asked for: WebSocket messages and closes. */
  interface Listener {

    /** Called with each complete, valid message from the server, in order. */
    void onMessage(ServerToAgent message);

    /**
     * Called once when the channel ended without the client closing it: the server closed it, the
     * network failed, or a received message was malformed or too large.
     */
    void onClosed(Throwable cause);
  }

  /** Creates channels. */
  interface Factory {

    /** Creates a channel, not yet open, to a target. */
    Channel create(ConnectionTarget target, Listener listener);
  }
}
