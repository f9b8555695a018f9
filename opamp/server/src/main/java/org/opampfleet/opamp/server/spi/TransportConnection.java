/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.spi;

import java.util.concurrent.Executor;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.TransportKind;

/**
 * One transport-level exchange the engine can answer: a WebSocket connection, or a single
 * plain-HTTP request.
 *
 * <p><b>Thread safety:</b> {@link #send} and {@link #close} may be called from any thread; a
 * transport hops to its own thread as needed. The engine calls {@link #send} at most once for an
 * HTTP request.
 */
public interface TransportConnection {

  /** Returns the kind of transport. */
  TransportKind kind();

  /**
   * Returns the executor the transport delivers this connection's messages on (its event loop).
   * Tasks run in submission order.
   */
  Executor executor();

  /**
   * Sends a message: a WebSocket binary message with the OpAMP header, or the HTTP response to the
   * request (status 200, {@code application/x-protobuf}, compressed if the agent accepts it).
   */
  void send(ServerToAgent message);

  /**
   * Sends a message that answers malformed input: on HTTP a 400 response carrying it (ER-01); on
   * WebSocket a normal binary message.
   */
  void sendBadRequest(ServerToAgent errorMessage);

  /**
   * Returns whether the transport can take another message now without buffering beyond its limits.
   * When this turns true again the transport calls {@link InboundHandler#onWritable()}.
   */
  boolean isWritable();

  /**
   * Closes the connection; for WebSocket with a close frame whose code fits the reason (1000, 1001
   * going away, 1002 protocol error). For an HTTP request that was not answered yet, the transport
   * answers it with an error status.
   */
  void close(CloseReason reason);
}
