/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.OpampServerBuilder;
import org.opampfleet.opamp.server.TransportKind;

/** An OpAMP server on a real loopback socket, recording what its callbacks see. */
final class ServerFixture implements AutoCloseable {
  final BlockingQueue<AgentToServer> messages = new LinkedBlockingQueue<>();
  final BlockingQueue<CloseReason> closed = new LinkedBlockingQueue<>();
  final List<ConnectionRequest> requests = new CopyOnWriteArrayList<>();
  volatile Function<ConnectionRequest, ConnectionDecision> admission;
  volatile Function<AgentToServer, @Nullable ServerToAgent> replies = m -> null;
  final OpampServer server;
  final NettyTransport transport;

  final ConnectionCallbacks callbacks =
      new ConnectionCallbacks() {
        @Override
        public @Nullable ServerToAgent onMessage(
            AgentConnection connection, AgentToServer message) {
          messages.add(message);
          return replies.apply(message);
        }

        @Override
        public void onConnectionClosed(AgentConnection connection, CloseReason reason) {
          closed.add(reason);
        }
      };

  ServerFixture(
      UnaryOperator<OpampServerBuilder> server, UnaryOperator<NettyTransportBuilder> transport) {
    admission = request -> ConnectionDecision.accept(callbacks);
    this.server =
        server
            .apply(
                OpampServer.builder()
                    .capabilities(EnumSet.of(ServerCapability.OFFERS_REMOTE_CONFIG))
                    .callbacks(
                        request -> {
                          requests.add(request);
                          return admission.apply(request);
                        }))
            .build();
    this.transport =
        transport
            .apply(NettyTransport.builder(this.server).host("127.0.0.1").port(0).ioThreads(2))
            .build();
    this.transport.start();
  }

  ServerFixture() {
    this(b -> b, b -> b);
  }

  URI uri(TransportKind kind) {
    String scheme = kind == TransportKind.WEBSOCKET ? "ws" : "http";
    return URI.create(scheme + "://127.0.0.1:" + transport.localAddress().getPort() + "/v1/opamp");
  }

  TestAgent agent(TransportKind kind) throws Exception {
    return kind == TransportKind.WEBSOCKET
        ? new WebSocketTestAgent(uri(kind))
        : new HttpTestAgent(uri(kind));
  }

  @Override
  public void close() {
    transport.close();
  }
}
