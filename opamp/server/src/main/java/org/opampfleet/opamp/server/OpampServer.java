/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.spi.TransportSupport;

/**
 * The OpAMP server engine: the protocol's session duties for every connected agent, independent of
 * any transport. Transports feed it through {@link #transportSupport()}.
 *
 * <p><b>Thread safety:</b> thread-safe.
 *
 * <p><b>Lifecycle:</b> build it, hand it to one or more transports, start them. {@link
 * #shutdown(Duration)} closes the agent connections (transports do it in paced batches); {@link
 * #close()} does it at once.
 */
public interface OpampServer extends AutoCloseable {

  /** Returns a builder. */
  static OpampServerBuilder builder() {
    return new OpampServerBuilder();
  }

  /** Returns the open connection of an agent instance, if it has one. */
  Optional<AgentConnection> agent(InstanceUid instanceUid);

  /** Returns a snapshot of the open agent connections. */
  Collection<AgentConnection> agents();

  /** Returns the number of open agent connections. */
  int agentCount();

  /** Returns the engine's side of the transport contract. Only transports call it. */
  TransportSupport transportSupport();

  /**
   * Stops admitting connections and closes every open one over {@code gracePeriod}: WebSocket
   * agents in paced batches (so they do not all reconnect at the same instant), plain-HTTP sessions
   * at once. Returns when all are closed.
   */
  void shutdown(Duration gracePeriod);

  /** Stops admitting connections and closes every open one at once. */
  @Override
  void close();
}
