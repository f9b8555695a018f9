/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

/**
 * Admits or refuses incoming connections: the place for authentication, authorization and admission
 * control.
 *
 * <p><b>Thread safety:</b> called concurrently from the transport's event loops, once per WebSocket
 * upgrade and once per plain-HTTP request (the specification authenticates every HTTP request). It
 * must return quickly and must not block.
 */
@FunctionalInterface
public interface ServerCallbacks {

  /**
   * Decides whether to accept a connection.
   *
   * @param request the request's transport, path, headers, peer address and TLS client certificates
   * @return {@link ConnectionDecision#accept} with the callbacks that will serve the connection, or
   *     {@link ConnectionDecision#reject} with an HTTP status
   */
  ConnectionDecision onConnecting(ConnectionRequest request);
}
