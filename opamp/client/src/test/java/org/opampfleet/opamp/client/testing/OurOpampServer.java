/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.netty.NettyTransport;

/**
 * Our own OpAMP server library (engine and Netty transport) as the server of the client contract:
 * the client is tested against the real server it will meet in production.
 *
 * <p>Server-assigned instance UIDs are left to the test ({@link
 * org.opampfleet.opamp.server.OpampServerBuilder#leaveInstanceUidRequestsToApplication}), so a
 * message with {@code agent_identification} becomes {@link AgentConnection#assignInstanceUid}.
 */
final class OurOpampServer implements OpampServerFixture {
  private final List<AgentToServer> received = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  private OpampServer server;
  private NettyTransport transport;
  private int port;

  private final ConnectionCallbacks callbacks =
      new ConnectionCallbacks() {
        @Override
        public @Nullable ServerToAgent onMessage(
            AgentConnection connection, AgentToServer message) {
          Map<String, String> lowerCase = new TreeMap<>();
          connection
              .request()
              .headers()
              .forEach(
                  (name, values) -> lowerCase.put(name.toLowerCase(Locale.ROOT), values.get(0)));
          // Headers first: a test that finds the message looks its headers up by index.
          headers.add(lowerCase);
          received.add(message);
          return null;
        }
      };

  private OurOpampServer() {}

  static OurOpampServer start() {
    OurOpampServer fixture = new OurOpampServer();
    fixture.startOn(0);
    return fixture;
  }

  private void startOn(int requestedPort) {
    server =
        OpampServer.builder()
            .callbacks(request -> ConnectionDecision.accept(callbacks))
            .capabilities(EnumSet.allOf(ServerCapability.class))
            .leaveInstanceUidRequestsToApplication()
            .build();
    transport =
        NettyTransport.builder(server).host("127.0.0.1").port(requestedPort).ioThreads(1).build();
    transport.start();
    port = transport.localAddress().getPort();
  }

  @Override
  public URI uri(Transport kind) {
    return URI.create(
        (kind == Transport.WEBSOCKET ? "ws" : "http") + "://127.0.0.1:" + port + "/v1/opamp");
  }

  @Override
  public List<AgentToServer> received() {
    return List.copyOf(received);
  }

  @Override
  public List<Map<String, String>> receivedHeaders() {
    return List.copyOf(headers);
  }

  @Override
  public void send(InstanceUid agent, ServerToAgent message) {
    AgentConnection connection =
        server
            .agent(agent)
            .orElseThrow(() -> new IllegalStateException("agent " + agent + " is not connected"));
    if (message.hasAgentIdentification()) {
      connection.assignInstanceUid(
          InstanceUid.fromBytes(message.getAgentIdentification().getNewInstanceUid()));
      message = message.toBuilder().clearAgentIdentification().build();
    }
    if (!message.equals(ServerToAgent.getDefaultInstance())) {
      connection.send(message);
    }
  }

  @Override
  public void restart() {
    transport.stop(java.time.Duration.ZERO);
    startOn(port);
  }

  @Override
  public void close() {
    transport.close();
  }
}
