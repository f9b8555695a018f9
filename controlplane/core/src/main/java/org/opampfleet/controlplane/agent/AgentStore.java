/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Where the inventory is kept between restarts. The storage adapter implements it.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe. Methods may block (JDBC); they are
 * never called on an event loop.
 */
public interface AgentStore {

  /** Returns every stored agent. Called once at start-up. */
  List<Agent> loadAll();

  /** Inserts or replaces these agents, in one transaction. */
  void saveAll(Collection<Agent> agents);

  /**
   * Updates only when these agents were last seen, in one transaction; agents not stored are
   * skipped. Heartbeats change nothing else, so writing the whole agent for them would be waste.
   */
  void saveLastSeen(Map<InstanceUid, Instant> lastSeen);

  /** Deletes an agent and its timeline. Returns whether it existed. */
  boolean delete(InstanceUid instanceUid);

  /** Appends timeline events, in one transaction. */
  void appendEvents(Collection<AgentEvent> events);

  /**
   * Returns an agent's timeline, newest first.
   *
   * @param before only events strictly before this time; null for the newest
   * @param limit at most this many
   */
  List<AgentEvent> events(InstanceUid instanceUid, @Nullable Instant before, int limit);
}
