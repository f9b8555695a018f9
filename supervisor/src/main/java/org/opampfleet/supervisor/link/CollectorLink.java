/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.link;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentFlags;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.netty.NettyTransport;
import org.opampfleet.supervisor.config.ConfigSnippets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local OpAMP server the collector's {@code opampextension} connects to: WebSocket on {@code
 * 127.0.0.1} (never every interface), path {@code /v1/opamp}, one port for the whole run (chosen
 * once: compat reference 7 #2).
 *
 * <p>BETTER than upstream (compat 4.1, 7 #14): a connection must present the per-run random token
 * the supervisor injects into the extension's config ({@code Authorization: Bearer …}), so another
 * local process cannot speak as the collector; others get 401. Only one collector connection is
 * kept: a new one replaces the old (a restarted collector may reconnect before the old socket is
 * seen closed). When the collector reports only the hash of its components, the reply asks for the
 * full list (AV-04).
 *
 * <p><b>Thread safety:</b> thread-safe. The listener is called on the transport's event loop and
 * must hand work off without blocking.
 */
public final class CollectorLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CollectorLink.class);

  /** What the link reports to the supervisor. */
  public interface Listener {
    /**
     * A collector connected (authenticated).
     *
     * @param connection the connection's sequence number, 1 for the first of the run
     */
    void onCollectorConnected(long connection);

    /** The connected collector sent a message on connection number {@code connection}. */
    void onCollectorMessage(long connection, AgentToServer message);

    /** The collector's connection number {@code connection} closed. */
    void onCollectorDisconnected(long connection);
  }

  private final String token;
  private final Listener listener;
  private final AtomicReference<@Nullable AgentConnection> current = new AtomicReference<>();
  private final AtomicReference<ByteString> fullComponentsHash =
      new AtomicReference<>(ByteString.EMPTY);
  private final java.util.concurrent.atomic.AtomicLong connections =
      new java.util.concurrent.atomic.AtomicLong();
  private @Nullable OpampServer server;
  private @Nullable NettyTransport transport;

  private CollectorLink(String token, Listener listener) {
    this.token = token;
    this.listener = listener;
  }

  /**
   * Starts the link.
   *
   * @param port the port on 127.0.0.1, 0 for a free one
   * @param scheduler shared for the server's idle sweep
   * @throws IllegalStateException if the port cannot be bound
   */
  public static CollectorLink start(
      int port, Listener listener, ScheduledExecutorService scheduler) {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    CollectorLink link =
        new CollectorLink(Base64.getUrlEncoder().withoutPadding().encodeToString(secret), listener);
    link.server =
        OpampServer.builder()
            .callbacks(link::admit)
            .scheduler(scheduler)
            .idleTimeout(Duration.ofSeconds(90))
            .build();
    link.transport =
        NettyTransport.builder(link.server)
            .host("127.0.0.1")
            .port(port)
            .ioThreads(1)
            .maxConnections(8)
            .build();
    link.transport.start();
    return link;
  }

  /** Returns the bound port. */
  public int port() {
    return transport.localAddress().getPort();
  }

  /** Returns the per-run token the collector must present. */
  public String token() {
    return token;
  }

  /**
   * Returns the sequence number of the latest collector connection (0 before the first). A process
   * started after this call can only use a higher one, which tells its messages from those of a
   * process that was just stopped.
   */
  public long latestConnection() {
    return connections.get();
  }

  /** Returns whether a collector is connected. */
  public boolean isCollectorConnected() {
    AgentConnection c = current.get();
    return c != null && c.isOpen();
  }

  /** Sends a custom message from the server to the connected collector, if any. */
  public void sendCustomMessage(CustomMessage message) {
    AgentConnection c = current.get();
    if (c != null && c.isOpen()) {
      c.send(ServerToAgent.newBuilder().setCustomMessage(message).build());
    }
  }

  private ConnectionDecision admit(ConnectionRequest request) {
    if (request.transport() != TransportKind.WEBSOCKET) {
      return ConnectionDecision.reject(
          400, "the supervisor's local OpAMP server speaks WebSocket only");
    }
    String presented = request.header(ConfigSnippets.TOKEN_HEADER).orElse("");
    if (!MessageDigest.isEqual(
        presented.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      LOG.warn(
          "Refused a local OpAMP connection from {} without the supervisor's token",
          request.remoteAddress());
      return ConnectionDecision.reject(401, "missing or wrong token");
    }
    return ConnectionDecision.accept(new Callbacks(connections.incrementAndGet()));
  }

  private final class Callbacks implements ConnectionCallbacks {
    private final long number;

    Callbacks(long number) {
      this.number = number;
    }

    @Override
    public void onConnected(AgentConnection connection) {
      AgentConnection previous = current.getAndSet(connection);
      if (previous != null && previous.isOpen()) {
        previous.close();
      }
      listener.onCollectorConnected(number);
    }

    @Override
    public @Nullable ServerToAgent onMessage(AgentConnection connection, AgentToServer message) {
      if (current.get() != connection) {
        return null;
      }
      ServerToAgent reply = null;
      if (message.hasAvailableComponents()) {
        var components = message.getAvailableComponents();
        if (components.getComponentsCount() > 0) {
          fullComponentsHash.set(components.getHash());
        } else if (!components.getHash().equals(fullComponentsHash.get())) {
          reply =
              ServerToAgent.newBuilder()
                  .setFlags(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents_VALUE)
                  .build();
        }
      }
      listener.onCollectorMessage(number, message);
      return reply;
    }

    @Override
    public void onConnectionClosed(AgentConnection connection, CloseReason reason) {
      if (current.compareAndSet(connection, null)) {
        listener.onCollectorDisconnected(number);
      }
    }
  }

  /** Closes the collector's connection and stops listening. */
  @Override
  public void close() {
    if (transport != null) {
      transport.stop(Duration.ZERO);
    }
  }
}
