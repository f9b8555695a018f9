/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.testing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.delivery.AgentMessenger;
import org.opampfleet.controlplane.delivery.RemoteConfigOffer;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * An {@link AgentMessenger} that records what it was asked to send; agents are "connected" when
 * listed.
 */
public final class RecordingMessenger implements AgentMessenger {
  /** An offer sent. */
  public record Sent(InstanceUid instanceUid, RemoteConfigOffer offer) {}

  /** Offers sent, in order. */
  public final List<Sent> offers = new CopyOnWriteArrayList<>();

  /** Restarts requested, in order. */
  public final List<InstanceUid> restarts = new CopyOnWriteArrayList<>();

  /** Agents that count as connected. */
  public final Set<InstanceUid> connected = ConcurrentHashMap.newKeySet();

  @Override
  public boolean offerRemoteConfig(InstanceUid instanceUid, RemoteConfigOffer offer) {
    if (!connected.contains(instanceUid)) {
      return false;
    }
    offers.add(new Sent(instanceUid, offer));
    return true;
  }

  @Override
  public boolean requestRestart(InstanceUid instanceUid) {
    if (!connected.contains(instanceUid)) {
      return false;
    }
    restarts.add(instanceUid);
    return true;
  }

  @Override
  public boolean offerConnectionSettings(
      InstanceUid instanceUid, @Nullable Duration heartbeatInterval, ConfigSettings settings) {
    return connected.contains(instanceUid);
  }
}
