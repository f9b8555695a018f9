/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;

/** Connection callbacks that record what they are told, and answer with a scripted function. */
final class RecordingCallbacks implements ConnectionCallbacks {
  final List<AgentConnection> connected = new ArrayList<>();
  final List<AgentToServer> messages = new ArrayList<>();
  final List<CloseReason> closed = new ArrayList<>();
  final List<Thread> threads = new ArrayList<>();
  BiFunction<AgentConnection, AgentToServer, @Nullable ServerToAgent> reply = (c, m) -> null;

  @Override
  public synchronized void onConnected(AgentConnection connection) {
    threads.add(Thread.currentThread());
    connected.add(connection);
  }

  @Override
  public synchronized @Nullable ServerToAgent onMessage(
      AgentConnection connection, AgentToServer message) {
    threads.add(Thread.currentThread());
    messages.add(message);
    return reply.apply(connection, message);
  }

  @Override
  public synchronized void onConnectionClosed(AgentConnection connection, CloseReason reason) {
    threads.add(Thread.currentThread());
    closed.add(reason);
  }
}
