/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.PackageStatus;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The behaviour every {@link AgentStore} implementation must have. Implement {@link #store()} in a
 * test class of the implementation; each call must return an empty store.
 */
public interface AgentStoreContract {

  /** Returns a new, empty store. */
  AgentStore store();

  Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  /** Returns an agent with every field set, so round trips check every column. */
  static Agent fullAgent(InstanceUid uid) {
    return Agent.firstSeen(
            uid,
            T0,
            new AgentConnectionInfo(true, Transport.WEBSOCKET, "10.0.3.7:51234", T0, null, null))
        .toBuilder()
        .lastSeen(T0.plusSeconds(30))
        .capabilities(0x3807)
        .attributes(
            Map.of("service.name", "otelcol-contrib", "service.version", "0.141.0"),
            Map.of("host.name", "edge-7"))
        .health(
            ComponentHealth.newBuilder().setHealthy(false).setLastError("exporter failed").build(),
            T0.plusSeconds(10))
        .effectiveConfig(Map.of("collector.yaml", "receivers: {}\n"), T0.plusSeconds(11))
        .remoteConfig(
            new RemoteConfigReport(
                RemoteConfigReport.Status.FAILED, "9f3c", "unknown type", T0.plusSeconds(12)))
        .lastOffer(new ConfigOfferRecord("checkout-prod", 12, "9f3c", T0.plusSeconds(5)))
        .availableComponents(
            AvailableComponents.newBuilder().setHash(ByteString.copyFromUtf8("h")).build())
        .packageStatuses(
            PackageStatuses.newBuilder()
                .putPackages(
                    "otelcol",
                    PackageStatus.newBuilder().setName("otelcol").setAgentHasVersion("1").build())
                .build())
        .customCapabilities(List.of("com.example.x"))
        .labels(Map.of("env", "prod", "zone", "eu-1"))
        .directConfig("checkout-canary")
        .build();
  }

  @Test
  default void startsEmpty() {
    assertThat(store().loadAll()).isEmpty();
  }

  @Test
  default void keepsEveryFieldOfAnAgent() {
    AgentStore store = store();
    Agent agent = fullAgent(InstanceUid.generate());

    store.saveAll(List.of(agent));

    assertThat(store.loadAll()).containsExactly(agent);
  }

  @Test
  default void replacesAnAgentSavedAgain() {
    AgentStore store = store();
    Agent agent = fullAgent(InstanceUid.generate());
    store.saveAll(List.of(agent));
    Agent changed =
        agent.toBuilder()
            .labels(Map.of("env", "staging"))
            .connection(
                new AgentConnectionInfo(
                    false, Transport.HTTP, "10.0.3.8:1", T0, T0.plusSeconds(60), "IDLE_TIMEOUT"))
            .directConfig(null)
            .build();

    store.saveAll(List.of(changed));

    assertThat(store.loadAll()).containsExactly(changed);
  }

  @Test
  default void keepsAMinimalAgent() {
    AgentStore store = store();
    Agent minimal =
        Agent.firstSeen(
            InstanceUid.generate(),
            T0,
            new AgentConnectionInfo(true, Transport.HTTP, "127.0.0.1:9", T0, null, null));

    store.saveAll(List.of(minimal));

    assertThat(store.loadAll()).containsExactly(minimal);
  }

  @Test
  default void savesManyAgentsInOneBatch() {
    AgentStore store = store();
    List<Agent> agents = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      agents.add(fullAgent(InstanceUid.generate()));
    }

    store.saveAll(agents);

    assertThat(store.loadAll()).containsExactlyInAnyOrderElementsOf(agents);
  }

  @Test
  default void updatesOnlyWhenAgentsWereLastSeen() {
    AgentStore store = store();
    Agent agent = fullAgent(InstanceUid.generate());
    store.saveAll(List.of(agent));
    Instant later = T0.plusSeconds(3600);

    store.saveLastSeen(Map.of(agent.instanceUid(), later, InstanceUid.generate(), later));

    assertThat(store.loadAll()).containsExactly(agent.toBuilder().lastSeen(later).build());
  }

  @Test
  default void keepsTheLatestOfFullWritesAndLastSeenWrites() {
    AgentStore store = store();
    Agent agent = fullAgent(InstanceUid.generate());
    store.saveAll(List.of(agent));
    store.saveLastSeen(Map.of(agent.instanceUid(), T0.plusSeconds(60)));
    Agent changed =
        agent.toBuilder().lastSeen(T0.plusSeconds(120)).labels(Map.of("a", "b")).build();

    store.saveAll(List.of(changed));

    assertThat(store.loadAll()).containsExactly(changed);
  }

  @Test
  default void forgetsTheLastSeenTimeOfADeletedAgent() {
    AgentStore store = store();
    Agent agent = fullAgent(InstanceUid.generate());
    store.saveAll(List.of(agent));
    store.saveLastSeen(Map.of(agent.instanceUid(), T0.plusSeconds(3600)));

    store.delete(agent.instanceUid());
    store.saveAll(List.of(agent));

    assertThat(store.loadAll()).containsExactly(agent);
  }

  @Test
  default void deletesAnAgentAndItsTimeline() {
    AgentStore store = store();
    Agent agent = fullAgent(InstanceUid.generate());
    store.saveAll(List.of(agent));
    store.appendEvents(
        List.of(new AgentEvent(agent.instanceUid(), T0, AgentEvent.Kind.CONNECTED, "ws")));

    assertThat(store.delete(agent.instanceUid())).isTrue();
    assertThat(store.delete(agent.instanceUid())).isFalse();
    assertThat(store.loadAll()).isEmpty();
    assertThat(store.events(agent.instanceUid(), null, 10)).isEmpty();
  }

  @Test
  default void returnsTheTimelineNewestFirstWithPaging() {
    AgentStore store = store();
    InstanceUid uid = InstanceUid.generate();
    InstanceUid other = InstanceUid.generate();
    List<AgentEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(
          new AgentEvent(
              uid,
              T0.plus(i, ChronoUnit.SECONDS),
              AgentEvent.Kind.CONFIG_OFFERED,
              "offered v" + i));
    }
    events.add(new AgentEvent(other, T0, AgentEvent.Kind.CONNECTED, "other agent"));
    store.appendEvents(events);

    List<AgentEvent> newest = store.events(uid, null, 2);
    List<AgentEvent> older = store.events(uid, newest.get(1).time(), 10);

    assertThat(newest).extracting(AgentEvent::message).containsExactly("offered v4", "offered v3");
    assertThat(older)
        .extracting(AgentEvent::message)
        .containsExactly("offered v2", "offered v1", "offered v0");
    assertThat(older.get(0)).isEqualTo(events.get(2));
  }
}
