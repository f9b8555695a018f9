/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsSnapshotTest {

  @Test
  void sumsCountersGaugesAndHistogramsOfWorkers() {
    FleetStats a = new FleetStats();
    a.count(Counter.MESSAGES_SENT);
    a.connected(false, 3);
    a.record(Latency.REPLY, 1_000);
    a.error(ErrorKind.CONNECTION_LOST);
    FleetStats b = new FleetStats();
    b.add(Counter.MESSAGES_SENT, 2);
    b.connected(true, 2);
    b.record(Latency.REPLY, 3_000);

    StatsSnapshot total = StatsSnapshot.sum(List.of(a.snapshot(), b.snapshot()));

    assertThat(total.count(Counter.MESSAGES_SENT)).isEqualTo(3);
    assertThat(total.connected()).isEqualTo(5);
    assertThat(total.webSocketConnected()).isEqualTo(3);
    assertThat(total.httpConnected()).isEqualTo(2);
    assertThat(total.errors()).containsEntry("connection_lost", 1L);
    assertThat(total.histogram(Latency.REPLY).getTotalCount()).isEqualTo(2);
    assertThat(total.histogram(Latency.REPLY).getMaxValue()).isBetween(2_990L, 3_010L);
  }

  @Test
  void measuresAPhaseFromItsStartAndSumsOnlyTheLatestPhase() {
    FleetStats a = new FleetStats();
    a.startPhase(2, 1_000_000);
    a.phaseCompleted(Latency.ROLLOUT, 1_250_000);
    FleetStats stale = new FleetStats();
    stale.startPhase(1, 0);
    stale.phaseCompleted(Latency.ROLLOUT, 10);

    StatsSnapshot total = StatsSnapshot.sum(List.of(a.snapshot(), stale.snapshot()));

    assertThat(total.phaseId()).isEqualTo(2);
    assertThat(total.phaseDone()).isEqualTo(1);
    assertThat(total.phaseMaxMicros()).isEqualTo(250_000);
    assertThat(total.phase().getTotalCount()).isEqualTo(1);
    assertThat(total.histogram(Latency.ROLLOUT).getTotalCount()).isEqualTo(2);
  }

  @Test
  void survivesTheJsonTripToTheCoordinator() throws Exception {
    FleetStats stats = new FleetStats();
    stats.record(Latency.POLL, 12_345);
    WorkerEvent event = new WorkerEvent(WorkerEvent.Type.STATS, 1, stats.snapshot(), null, 0);

    WorkerEvent back =
        Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(event), WorkerEvent.class);

    assertThat(back.stats().histogram(Latency.POLL).getTotalCount()).isEqualTo(1);
    assertThat(back.worker()).isEqualTo(1);
  }
}
