/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.delivery.AgentMessenger;
import org.opampfleet.controlplane.delivery.RemoteConfigOffer;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.OpampServer;

/**
 * Sends the control plane's offers and commands through the OpAMP server: at once to WebSocket
 * agents, with the next poll to HTTP agents; latest wins per kind (the server's outbox).
 *
 * <p>It is created before the server (the server's callbacks need the delivery service, which needs
 * this messenger) and {@linkplain #bind bound} to it once built.
 *
 * <p><b>Thread safety:</b> thread-safe; never blocks.
 */
public final class OpampMessenger implements AgentMessenger {
  private final Offers offers = new Offers();
  private volatile @Nullable OpampServer server;

  /** Creates an unbound messenger; until {@link #bind}, every agent counts as not connected. */
  public OpampMessenger() {}

  /** Binds the messenger to the server it sends through. */
  public void bind(OpampServer server) {
    this.server = requireNonNull(server, "server");
  }

  @Override
  public boolean offerRemoteConfig(InstanceUid instanceUid, RemoteConfigOffer offer) {
    return connection(instanceUid)
        .map(
            c -> {
              c.send(
                  ServerToAgent.newBuilder()
                      .setRemoteConfig(offers.remoteConfig(offer.version()))
                      .build());
              return true;
            })
        .orElse(false);
  }

  @Override
  public boolean requestRestart(InstanceUid instanceUid) {
    return connection(instanceUid)
        .map(
            c -> {
              c.send(
                  ServerToAgent.newBuilder()
                      .setCommand(ServerToAgentCommand.getDefaultInstance())
                      .build());
              return true;
            })
        .orElse(false);
  }

  @Override
  public boolean offerConnectionSettings(
      InstanceUid instanceUid, @Nullable Duration heartbeatInterval, ConfigSettings settings) {
    ConfigSettings effective =
        heartbeatInterval == null
            ? settings
            : new ConfigSettings(
                heartbeatInterval, settings.ownMetrics(), settings.ownLogs(), settings.ownTraces());
    ConnectionSettingsOffers message = Offers.connectionSettings(effective);
    return message != null && sendConnectionSettings(instanceUid, message);
  }

  /**
   * Sends connection settings offers to an agent with an open connection.
   *
   * @return whether it has one
   */
  boolean sendConnectionSettings(InstanceUid instanceUid, ConnectionSettingsOffers offers) {
    return connection(instanceUid)
        .map(
            c -> {
              c.send(ServerToAgent.newBuilder().setConnectionSettings(offers).build());
              return true;
            })
        .orElse(false);
  }

  /** Returns the encoder shared with the gateway. */
  Offers offers() {
    return offers;
  }

  private Optional<AgentConnection> connection(InstanceUid instanceUid) {
    OpampServer bound = server;
    return bound == null ? Optional.empty() : bound.agent(instanceUid);
  }
}
