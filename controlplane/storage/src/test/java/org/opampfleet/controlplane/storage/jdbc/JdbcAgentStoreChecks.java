/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.AgentStore;
import org.opampfleet.controlplane.agent.AgentStoreContract;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * What the JDBC agent store does beyond the {@link AgentStoreContract}, on either database: races,
 * batch edges, precision and awkward text. Implemented by the agent store ITs.
 */
interface JdbcAgentStoreChecks {

  /** Returns the store, emptied. */
  AgentStore store();

  Instant T0 = AgentStoreContract.T0;

  @Test
  default void savesTheSameNewAgentsFromSeveralThreadsAtOnce() throws Exception {
    AgentStore store = store();
    int threads = 4;
    List<List<Agent>> batches = new ArrayList<>();
    List<InstanceUid> uids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      uids.add(InstanceUid.generate());
    }
    for (int t = 0; t < threads; t++) {
      List<Agent> batch = new ArrayList<>();
      for (InstanceUid uid : uids) {
        batch.add(
            AgentStoreContract.fullAgent(uid).toBuilder()
                .labels(Map.of("writer", "w" + t))
                .build());
      }
      // Different orders on purpose: the store must impose its own lock order.
      Collections.shuffle(batch, new Random(t));
      batches.add(batch);
    }
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> writes = new ArrayList<>();
      for (List<Agent> batch : batches) {
        writes.add(
            executor.submit(
                () -> {
                  start.await();
                  store.saveAll(batch);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> write : writes) {
        write.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }

    List<Agent> stored = store.loadAll();
    assertThat(stored).extracting(Agent::instanceUid).containsExactlyInAnyOrderElementsOf(uids);
    assertThat(stored).allSatisfy(a -> assertThat(a.labels()).containsKey("writer"));
  }

  @Test
  default void keepsTheLastOfTwoStatesOfOneAgentInABatch() {
    AgentStore store = store();
    Agent first = AgentStoreContract.fullAgent(InstanceUid.generate());
    Agent second = first.toBuilder().lastSeen(T0.plusSeconds(99)).build();

    store.saveAll(List.of(first, second));

    assertThat(store.loadAll()).containsExactly(second);
  }

  @Test
  default void keepsInstantsToTheMicrosecond() {
    AgentStore store = store();
    Instant precise = T0.plusNanos(123_456_789);
    Agent agent =
        AgentStoreContract.fullAgent(InstanceUid.generate()).toBuilder().lastSeen(precise).build();

    store.saveAll(List.of(agent));

    assertThat(store.loadAll())
        .containsExactly(agent.toBuilder().lastSeen(T0.plusNanos(123_456_000)).build());
  }

  @Test
  default void keepsEveryCharacterOfMapsAndLists() {
    AgentStore store = store();
    String awkward =
        "quote \" backslash \\ slash / nl \n tab \t nul \u0000 \u001f é 🚀 lone \ud800 x";
    Agent agent =
        AgentStoreContract.fullAgent(InstanceUid.generate()).toBuilder()
            .labels(Map.of(awkward, awkward, "", ""))
            .attributes(Map.of("k", awkward), Map.of())
            .effectiveConfig(Map.of("a b.yaml", "key: \"" + awkward + "\"\n"), T0)
            .customCapabilities(List.of(awkward, "", "[\"not\",\"json\"]"))
            .build();

    store.saveAll(List.of(agent));

    assertThat(store.loadAll()).containsExactly(agent);
  }

  @Test
  default void replacesWhatTextColumnsCannotHoldInsteadOfFailing() {
    AgentStore store = store();
    Agent agent =
        AgentStoreContract.fullAgent(InstanceUid.generate()).toBuilder()
            .remoteConfig(
                new RemoteConfigReport(
                    RemoteConfigReport.Status.FAILED, "9f3c", "bad\u0000byte \udc00", T0))
            .build();

    store.saveAll(List.of(agent));

    assertThat(store.loadAll().get(0).remoteConfig())
        .isEqualTo(
            new RemoteConfigReport(
                RemoteConfigReport.Status.FAILED, "9f3c", "bad\ufffdbyte \ufffd", T0));
  }

  @Test
  default void keepsADisconnectedAgentWithoutOptionalParts() {
    AgentStore store = store();
    Agent agent =
        Agent.firstSeen(
                InstanceUid.generate(),
                T0,
                new AgentConnectionInfo(
                    false, Transport.HTTP, "[::1]:4320", T0, T0.plusSeconds(1), "IDLE_TIMEOUT"))
            .toBuilder()
            .lastOffer(null)
            .build();

    store.saveAll(List.of(agent));

    assertThat(store.loadAll()).containsExactly(agent);
  }

  @Test
  default void findsEventsBeforeAnInstantFinerThanAMicrosecond() {
    AgentStore store = store();
    InstanceUid uid = InstanceUid.generate();
    AgentEvent atT0 = new AgentEvent(uid, T0, AgentEvent.Kind.CONNECTED, "at t0");
    AgentEvent later =
        new AgentEvent(uid, T0.plus(1, ChronoUnit.MICROS), AgentEvent.Kind.DISCONNECTED, "later");
    store.appendEvents(List.of(atT0, later));

    assertThat(store.events(uid, T0.plusNanos(500), 10)).containsExactly(atT0);
    assertThat(store.events(uid, T0, 10)).isEmpty();
  }

  @Test
  default void appendsMoreEventsThanOneJdbcBatch() {
    AgentStore store = store();
    InstanceUid uid = InstanceUid.generate();
    List<AgentEvent> events = new ArrayList<>();
    for (int i = 0; i < JdbcAgentStore.BATCH_SIZE + 500; i++) {
      events.add(new AgentEvent(uid, T0.plusMillis(i), AgentEvent.Kind.HEALTH_CHANGED, "#" + i));
    }

    store.appendEvents(events);

    List<AgentEvent> newest = store.events(uid, null, events.size() + 1);
    assertThat(newest).hasSize(events.size());
    assertThat(newest.get(0)).isEqualTo(events.get(events.size() - 1));
  }

  @Test
  default void refusesANegativeLimitAndReturnsNothingForZero() {
    AgentStore store = store();
    InstanceUid uid = InstanceUid.generate();
    store.appendEvents(List.of(new AgentEvent(uid, T0, AgentEvent.Kind.CONNECTED, "ws")));

    assertThat(store.events(uid, null, 0)).isEmpty();
    assertThatThrownBy(() -> store.events(uid, null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit: -1 (expected: >= 0)");
  }

  @Test
  default void ignoresEmptyBatches() {
    AgentStore store = store();

    store.saveAll(List.of());
    store.appendEvents(List.of());

    assertThat(store.loadAll()).isEmpty();
  }
}
