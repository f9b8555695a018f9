/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.AgentStore;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** An in-memory {@link AgentStore} for tests; can be told to fail like a database that is down. */
public final class FakeAgentStore implements AgentStore {
  private final Map<InstanceUid, Agent> agents = new ConcurrentHashMap<>();
  private final List<AgentEvent> events = new ArrayList<>();

  /** When set, every write throws, as a database that is down would. */
  public final AtomicBoolean failing = new AtomicBoolean();

  /** How many batches were written. */
  public final AtomicInteger batches = new AtomicInteger();

  /** How many last-seen batches were written. */
  public final AtomicInteger lastSeenBatches = new AtomicInteger();

  @Override
  public List<Agent> loadAll() {
    return List.copyOf(agents.values());
  }

  @Override
  public void saveAll(Collection<Agent> batch) {
    failIfAsked();
    batch.forEach(a -> agents.put(a.instanceUid(), a));
    batches.incrementAndGet();
  }

  @Override
  public void saveLastSeen(Map<InstanceUid, Instant> lastSeen) {
    failIfAsked();
    lastSeen.forEach(
        (uid, time) ->
            agents.computeIfPresent(uid, (k, a) -> a.toBuilder().lastSeen(time).build()));
    lastSeenBatches.incrementAndGet();
  }

  @Override
  public boolean delete(InstanceUid instanceUid) {
    failIfAsked();
    synchronized (events) {
      events.removeIf(e -> e.instanceUid().equals(instanceUid));
    }
    return agents.remove(instanceUid) != null;
  }

  @Override
  public void appendEvents(Collection<AgentEvent> batch) {
    failIfAsked();
    synchronized (events) {
      events.addAll(batch);
    }
  }

  @Override
  public List<AgentEvent> events(InstanceUid instanceUid, @Nullable Instant before, int limit) {
    synchronized (events) {
      return events.stream()
          .filter(e -> e.instanceUid().equals(instanceUid))
          .filter(e -> before == null || e.time().isBefore(before))
          .sorted(Comparator.comparing(AgentEvent::time).reversed())
          .limit(limit)
          .toList();
    }
  }

  private void failIfAsked() {
    if (failing.get()) {
      throw new IllegalStateException("database unavailable (test)");
    }
  }
}
