/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.delivery;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Sends to connected agents. The OpAMP adapter implements it; a WebSocket agent gets the message at
 * once, a polling agent with its next poll. Latest wins: a newer offer of the same kind replaces
 * one that has not left yet.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe and never block.
 */
public interface AgentMessenger {

  /** Offers a configuration. Returns false if the agent has no open connection. */
  boolean offerRemoteConfig(InstanceUid instanceUid, RemoteConfigOffer offer);

  /** Asks the agent to restart. Returns false if the agent has no open connection. */
  boolean requestRestart(InstanceUid instanceUid);

  /**
   * Offers connection settings: the heartbeat interval and own-telemetry destinations. Returns
   * false if the agent has no open connection.
   *
   * @param heartbeatInterval the heartbeat interval to offer; null for none
   */
  boolean offerConnectionSettings(
      InstanceUid instanceUid, @Nullable Duration heartbeatInterval, ConfigSettings settings);
}
