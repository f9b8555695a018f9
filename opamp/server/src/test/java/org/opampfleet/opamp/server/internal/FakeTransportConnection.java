/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.InboundHandler;
import org.opampfleet.opamp.server.spi.TransportConnection;

/** An in-memory transport connection that runs everything on the calling thread and records it. */
final class FakeTransportConnection implements TransportConnection {
  final TransportKind kind;
  final List<ServerToAgent> sent = new ArrayList<>();
  final List<ServerToAgent> badRequests = new ArrayList<>();
  @Nullable CloseReason closedWith;
  boolean writable = true;
  @Nullable InboundHandler handler;

  FakeTransportConnection(TransportKind kind) {
    this.kind = kind;
  }

  @Override
  public TransportKind kind() {
    return kind;
  }

  @Override
  public Executor executor() {
    return Runnable::run;
  }

  @Override
  public void send(ServerToAgent message) {
    sent.add(message);
  }

  @Override
  public void sendBadRequest(ServerToAgent errorMessage) {
    badRequests.add(errorMessage);
  }

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public void close(CloseReason reason) {
    closedWith = reason;
  }

  ServerToAgent lastSent() {
    if (sent.isEmpty()) {
      throw new AssertionError("nothing was sent");
    }
    return sent.get(sent.size() - 1);
  }
}
