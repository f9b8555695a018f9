/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.controlplane.event.FleetEvents;
import org.opampfleet.controlplane.testing.TestFleet;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

class InventoryTest {
  private final TestFleet fleet = new TestFleet();

  @Test
  void waitsLongerBetweenBatchesWhileTheDatabaseIsSlow() {
    Duration second = Duration.ofSeconds(1);

    assertThat(Inventory.nextWriteDelay(second, Duration.ofMillis(20))).isEqualTo(second);
    assertThat(Inventory.nextWriteDelay(second, Duration.ofMillis(1500)))
        .isEqualTo(Duration.ofMillis(4500));
    assertThat(Inventory.nextWriteDelay(second, Duration.ofMinutes(2)))
        .isEqualTo(Duration.ofSeconds(Inventory.MAX_WRITE_DELAY_SECONDS));
    // An interval set longer than the cap is kept.
    assertThat(Inventory.nextWriteDelay(Duration.ofMinutes(1), Duration.ofMinutes(2)))
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void waitsForABurstOfChangesToPassBeforeWritingButNotLongerThanTheCap() {
    Duration second = Duration.ofSeconds(1);
    Duration cap = Duration.ofSeconds(Inventory.MAX_WRITE_DELAY_SECONDS);
    int burst = Inventory.BURST_CHANGES_PER_SECOND;

    assertThat(Inventory.deferWrite(burst, second, Duration.ofSeconds(2)))
        .as("at the threshold: write")
        .isFalse();
    assertThat(Inventory.deferWrite(burst + 1, second, Duration.ofSeconds(2)))
        .as("a rollout under way: wait")
        .isTrue();
    assertThat(Inventory.deferWrite(19_000, second, cap.minusMillis(1))).isTrue();
    assertThat(Inventory.deferWrite(19_000, second, cap))
        .as("never more than the cap since the last write")
        .isFalse();
    // The rate is over the time since the last tick (longer after a slow batch).
    assertThat(Inventory.deferWrite(burst + 1, Duration.ofSeconds(5), second)).isFalse();
    assertThat(Inventory.deferWrite(5 * burst + 5, Duration.ofSeconds(5), second)).isTrue();
  }

  @Test
  void writesChangedAgentsInOneBatch() {
    Agent a = fleet.connect(Map.of("service.name", "a"));
    Agent b = fleet.connect(Map.of("service.name", "b"));

    assertThat(fleet.agentStore.loadAll()).as("memory first").isEmpty();
    assertThat(fleet.inventory.flush()).isEqualTo(2);

    assertThat(fleet.agentStore.batches.get()).isOne();
    assertThat(fleet.agentStore.loadAll())
        .containsExactlyInAnyOrder(
            fleet.inventory.get(a.instanceUid()).orElseThrow(),
            fleet.inventory.get(b.instanceUid()).orElseThrow());
    assertThat(fleet.inventory.flush()).as("nothing changed since").isZero();
  }

  @Test
  void keepsChangesForTheNextBatchWhenTheDatabaseFails() {
    Agent a = fleet.connect(Map.of("service.name", "a"));
    fleet.inventory.record(a.instanceUid(), AgentEvent.Kind.CONNECTED, "ws");
    fleet.agentStore.failing.set(true);

    assertThat(fleet.inventory.flush()).isZero();
    assertThat(fleet.inventory.pendingWrites()).isOne();

    fleet.agentStore.failing.set(false);
    assertThat(fleet.inventory.flush()).isOne();
    assertThat(fleet.agentStore.loadAll()).hasSize(1);
    assertThat(fleet.agentStore.events(a.instanceUid(), null, 10))
        .extracting(AgentEvent::message)
        .containsExactly("ws");
  }

  @Test
  void boundsTimelineEventsWaitingForTheDatabase() {
    InstanceUid uid = InstanceUid.generate();
    fleet.agentStore.failing.set(true);
    for (int i = 0; i < Inventory.MAX_PENDING_EVENTS + 10; i++) {
      fleet.inventory.record(uid, AgentEvent.Kind.HEALTH_CHANGED, "event " + i);
    }

    assertThat(fleet.inventory.droppedEvents()).isEqualTo(10);
    assertThat(fleet.inventory.timeline(uid, null, 1))
        .extracting(AgentEvent::message)
        .allSatisfy(m -> assertThat(m).startsWith("event "));
  }

  @Test
  void writesHeartbeatsAsCheapLastSeenBatchesNotFullWrites() {
    Agent a = fleet.connect(Map.of("service.name", "a"));
    fleet.inventory.flush();
    java.util.List<org.opampfleet.controlplane.event.FleetEvent> seen = new java.util.ArrayList<>();
    fleet.events.subscribe(seen::add);
    fleet.advance(Duration.ofSeconds(30));

    assertThat(fleet.inventory.touch(a.instanceUid(), fleet.clock.instant())).isTrue();
    assertThat(fleet.inventory.touch(InstanceUid.generate(), fleet.clock.instant()))
        .as("unknown agent")
        .isFalse();

    assertThat(fleet.inventory.get(a.instanceUid()).orElseThrow().lastSeen())
        .isEqualTo(fleet.clock.instant());
    assertThat(seen).as("no event for a heartbeat").isEmpty();
    assertThat(fleet.inventory.pendingWrites()).as("no full write").isZero();
    fleet.inventory.flush();
    assertThat(fleet.agentStore.lastSeenBatches.get()).as("not on every batch").isZero();
    int flushes = 1;
    while (fleet.agentStore.lastSeenBatches.get() == 0 && flushes < Inventory.LAST_SEEN_EVERY) {
      fleet.inventory.flush();
      flushes++;
    }
    assertThat(fleet.agentStore.lastSeenBatches.get())
        .as("within %d batches", Inventory.LAST_SEEN_EVERY)
        .isOne();
    assertThat(fleet.agentStore.loadAll().get(0).lastSeen()).isEqualTo(fleet.clock.instant());
    assertThat(fleet.agentStore.batches.get()).as("only the first full write").isOne();
  }

  @Test
  void writesEveryLastSeenOnStop() {
    Agent a = fleet.connect(Map.of("service.name", "a"));
    fleet.inventory.flush();
    fleet.advance(Duration.ofSeconds(30));
    fleet.inventory.touch(a.instanceUid(), fleet.clock.instant());

    fleet.inventory.stopWriteBehind();

    assertThat(fleet.agentStore.loadAll().get(0).lastSeen()).isEqualTo(fleet.clock.instant());
  }

  @Test
  void showsTimelineEventsBeforeTheyAreWritten() {
    Agent a = fleet.connect(Map.of());
    fleet.inventory.record(a.instanceUid(), AgentEvent.Kind.CONNECTED, "first");
    fleet.inventory.flush();
    fleet.advance(Duration.ofSeconds(1));
    fleet.inventory.record(a.instanceUid(), AgentEvent.Kind.DISCONNECTED, "second");

    assertThat(fleet.inventory.timeline(a.instanceUid(), null, 10))
        .extracting(AgentEvent::message)
        .containsExactly("second", "first");
  }

  @Test
  void loadsStoredAgentsAsDisconnectedAfterARestart() {
    Agent a = fleet.connect(Map.of("service.name", "a"));
    fleet.inventory.flush();

    Inventory restarted = new Inventory(fleet.agentStore, new FleetEvents(), fleet.clock);
    restarted.load();

    Agent loaded = restarted.get(a.instanceUid()).orElseThrow();
    assertThat(loaded.connection().connected()).isFalse();
    assertThat(loaded.connection().closeReason()).isEqualTo("SERVER_RESTART");
    assertThat(loaded.identifyingAttributes()).containsEntry("service.name", "a");
  }

  @Test
  void publishesChangesButNotNoOps() {
    List<FleetEvent> seen = new ArrayList<>();
    fleet.events.subscribe(seen::add);
    Agent a = fleet.connect(Map.of());

    fleet.inventory.updateExisting(a.instanceUid(), agent -> agent);

    assertThat(seen).hasSize(1).first().isInstanceOf(FleetEvent.AgentChanged.class);
  }

  @Test
  void movesAnAgentToItsNewInstanceUid() {
    Agent a = fleet.connect(Map.of("service.name", "a"));
    fleet.inventory.updateExisting(
        a.instanceUid(), agent -> agent.toBuilder().labels(Map.of("env", "prod")).build());
    fleet.inventory.flush();
    InstanceUid assigned = InstanceUid.generate();

    fleet.inventory.rekey(a.instanceUid(), assigned);
    fleet.inventory.flush();

    assertThat(fleet.inventory.get(a.instanceUid())).isEmpty();
    assertThat(fleet.inventory.get(assigned).orElseThrow().labels()).containsEntry("env", "prod");
    assertThat(fleet.agentStore.loadAll()).extracting(Agent::instanceUid).containsExactly(assigned);
  }

  @Test
  void deletesAnAgent() {
    Agent a = fleet.connect(Map.of());
    fleet.inventory.flush();

    assertThat(fleet.inventory.delete(a.instanceUid())).isTrue();
    assertThat(fleet.inventory.delete(a.instanceUid())).isFalse();
    assertThat(fleet.agentStore.loadAll()).isEmpty();
  }

  @Test
  void describesAgentsForPeople() {
    Agent a = fleet.connect(Map.of("service.name", "checkout"));

    assertThat(a.displayName()).isEqualTo("checkout on " + a.attribute("host.name").orElseThrow());
    assertThat(a.toBuilder().labels(Map.of("name", "edge gateway 7")).build().displayName())
        .isEqualTo("edge gateway 7");
    assertThat(a.shortUid()).hasSize(8).isEqualTo(a.instanceUid().toString().substring(28));
    assertThat(a.attributeSource("host.name")).contains(Agent.AttributeSource.NON_IDENTIFYING);
  }
}
