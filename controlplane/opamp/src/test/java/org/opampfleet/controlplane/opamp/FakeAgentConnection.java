/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.TransportKind;

/** An agent connection that records what is sent to it. */
final class FakeAgentConnection implements AgentConnection {
  final List<ServerToAgent> sent = new ArrayList<>();
  private final InstanceUid uid;
  private final TransportKind kind;
  long capabilities;

  FakeAgentConnection(InstanceUid uid, TransportKind kind) {
    this.uid = uid;
    this.kind = kind;
  }

  static ConnectionRequest request(TransportKind kind, Map<String, List<String>> headers) {
    return new ConnectionRequest(
        kind, "/v1/opamp", headers, new InetSocketAddress("10.0.3.7", 51234), List.of());
  }

  @Override
  public InstanceUid instanceUid() {
    return uid;
  }

  @Override
  public TransportKind transport() {
    return kind;
  }

  @Override
  public ConnectionRequest request() {
    return request(kind, Map.of());
  }

  @Override
  public @Nullable Object attachment() {
    return null;
  }

  @Override
  public long capabilitiesMask() {
    return capabilities;
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
  public void assignInstanceUid(InstanceUid newInstanceUid) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
