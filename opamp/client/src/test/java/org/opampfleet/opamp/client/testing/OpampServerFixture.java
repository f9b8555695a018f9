/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * What {@link OpampClientContract} needs from an OpAMP server: an endpoint per transport, a record
 * of what arrived on the wire, a way to send to an agent, and a restart that loses the server's
 * state. {@link FakeOpampServer} implements it; an adapter over the project's server library can
 * implement it too and run the same suite.
 *
 * <p>The server must behave as the specification requires: answer every message (ST-04), set its
 * capabilities in its replies (GEN-05) and ask for the full state when a sequence number skips or
 * an agent it does not know sends a compressed report (ST-16).
 */
public interface OpampServerFixture extends AutoCloseable {

  /** Returns the OpAMP endpoint for a transport. */
  URI uri(Transport transport);

  /** Returns every message received so far, in arrival order. */
  List<AgentToServer> received();

  /**
   * Returns the HTTP headers of the request that carried each received message (the upgrade request
   * on WebSocket), names in lower case, in the same order as {@link #received()}.
   */
  List<Map<String, String>> receivedHeaders();

  /**
   * Sends a message to an agent: at once over its WebSocket, or with the answer to its next
   * plain-HTTP request. The server fills in {@code instance_uid}.
   */
  void send(InstanceUid agent, ServerToAgent message);

  /**
   * Restarts the server on the same endpoint: every connection is closed and everything it knew
   * about agents is forgotten.
   */
  void restart() throws Exception;

  @Override
  void close();
}
