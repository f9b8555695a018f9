/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.event;

import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** Something that changed in the fleet. */
public sealed interface FleetEvent {

  /**
   * An agent's snapshot changed.
   *
   * @param before the previous snapshot; null for a new agent
   * @param after the new snapshot
   */
  record AgentChanged(@Nullable Agent before, Agent after) implements FleetEvent {}

  /** An agent was deleted from the inventory. */
  record AgentDeleted(InstanceUid instanceUid) implements FleetEvent {}

  /** A configuration version was saved. */
  record ConfigSaved(ConfigVersion version) implements FleetEvent {}

  /** A configuration was deleted, or its settings changed. */
  record ConfigChanged(String name) implements FleetEvent {}
}
