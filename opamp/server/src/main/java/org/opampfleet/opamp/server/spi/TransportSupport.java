/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.spi;

import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;

/**
 * The engine's side of the transport contract.
 *
 * <p><b>Thread safety:</b> thread-safe; transports call it from their event loops.
 */
public interface TransportSupport {

  /**
   * Decides whether to admit a connection: the application's decision, or a rejection when the
   * engine is shutting down. Called once per WebSocket upgrade and once per HTTP request.
   */
  ConnectionDecision admit(ConnectionRequest request);

  /**
   * Opens an accepted connection and returns the handler for what the transport decodes on it.
   *
   * @param connection the transport connection (a WebSocket, or one HTTP request)
   * @param request the request that {@link #admit} accepted
   * @param decision what {@link #admit} returned for it
   */
  InboundHandler open(
      TransportConnection connection,
      ConnectionRequest request,
      ConnectionDecision.Accept decision);

  /** Returns the server's capabilities bitmask, for transports that answer on their own. */
  long serverCapabilitiesMask();
}
