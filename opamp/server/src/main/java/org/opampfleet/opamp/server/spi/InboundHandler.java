/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.spi;

import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;

/**
 * Receives what a transport decodes on one {@link TransportConnection}.
 *
 * <p><b>Thread safety:</b> a transport calls these methods on the connection's {@linkplain
 * TransportConnection#executor() executor}, one at a time.
 */
public interface InboundHandler {

  /** Delivers a decoded message. */
  void onMessage(AgentToServer message);

  /**
   * Reports input that could not be decoded. The engine answers it (ER-01) or closes; the transport
   * has already closed the connection for {@link MalformedMessageException.Kind#TOO_LARGE} on
   * WebSocket (WS-L2) and answered 413 on HTTP (HT-L2).
   */
  void onMalformed(MalformedMessageException problem);

  /** Reports that the transport can take more messages again. */
  default void onWritable() {}

  /** Reports that the transport connection closed, whoever closed it. Called once. */
  void onClosed();
}
