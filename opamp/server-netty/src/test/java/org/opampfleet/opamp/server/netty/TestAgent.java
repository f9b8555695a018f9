/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import java.time.Duration;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;

/** A minimal OpAMP agent for transport tests: sends messages, returns what the server answers. */
interface TestAgent extends AutoCloseable {

  /** Sends a message and returns the server's answer to it. */
  ServerToAgent exchange(AgentToServer message) throws Exception;

  /**
   * Returns the next message the server sends on its own: a WebSocket push, or for HTTP the reply
   * to {@code poll}.
   */
  ServerToAgent nextFromServer(AgentToServer poll, Duration timeout) throws Exception;

  @Override
  void close() throws Exception;
}
