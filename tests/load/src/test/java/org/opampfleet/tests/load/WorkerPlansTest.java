/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerPlansTest {

  private static WorkerPlans.Request request(
      int agents, TransportMix mix, int workers, int perAddress) {
    return new WorkerPlans.Request(agents, mix, 64, workers, 18_000, perAddress, 2_000);
  }

  @Test
  void spreadsWebSocketAgentsOverEnoughWorkersToStayUnderTheSocketCap() {
    List<WorkerPlan> plans = WorkerPlans.split(request(19_000, TransportMix.WEBSOCKET, 0, 10_000));

    assertThat(plans).hasSize(2);
    assertThat(plans).allSatisfy(p -> assertThat(p.sockets()).isLessThanOrEqualTo(18_000));
    assertThat(plans.stream().mapToInt(WorkerPlan::agents).sum()).isEqualTo(19_000);
    assertThat(plans.get(0).firstAgent()).isZero();
    assertThat(plans.get(1).firstAgent()).isEqualTo(plans.get(0).agents());
    assertThat(plans.stream().mapToDouble(WorkerPlan::connectRate).sum())
        .isCloseTo(2_000, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void keepsOneHundredThousandHttpAgentsInOneWorkerOverAPool() {
    List<WorkerPlan> plans = WorkerPlans.split(request(100_000, TransportMix.HTTP, 0, 10_000));

    assertThat(plans).hasSize(1);
    WorkerPlan plan = plans.get(0);
    assertThat(plan.httpAgents()).isEqualTo(100_000);
    assertThat(plan.webSocketAgents()).isZero();
    assertThat(plan.httpConnections()).isEqualTo(64);
    assertThat(plan.sockets()).isEqualTo(64);
  }

  @Test
  void splitsAMixEvenly() {
    List<WorkerPlan> plans = WorkerPlans.split(request(40_000, new TransportMix(0.25), 0, 10_000));

    assertThat(plans).hasSize(2);
    assertThat(plans.stream().mapToInt(WorkerPlan::httpAgents).sum()).isEqualTo(10_000);
    assertThat(plans.stream().mapToInt(WorkerPlan::webSocketAgents).sum()).isEqualTo(30_000);
    assertThat(plans.get(0).httpAgents()).isEqualTo(plans.get(1).httpAgents());
    assertThat(plans.stream().mapToInt(WorkerPlan::httpConnections).sum()).isEqualTo(64);
  }

  @Test
  void givesEveryWorkerItsOwnSourceAddressesWithinTheirShare() {
    List<WorkerPlan> plans = WorkerPlans.split(request(35_000, TransportMix.WEBSOCKET, 0, 8_000));

    Set<String> seen = new HashSet<>();
    for (WorkerPlan plan : plans) {
      assertThat(plan.sockets()).isLessThanOrEqualTo(plan.sourceAddresses().size() * 8_000);
      for (String address : plan.sourceAddresses()) {
        assertThat(seen.add(address)).as("address %s used twice", address).isTrue();
        assertThat(address).startsWith("127.0.0.");
      }
    }
    assertThat(plans.get(0).sourceAddresses()).first().isEqualTo("127.0.0.2");
  }

  @Test
  void bindsNoSourceAddressWhenAskedNotTo() {
    List<WorkerPlan> plans = WorkerPlans.split(request(1_000, TransportMix.WEBSOCKET, 0, 0));

    assertThat(plans.get(0).sourceAddresses()).isEmpty();
  }

  @Test
  void refusesTooFewWorkersAndSaysHowManyAreNeeded() {
    assertThatThrownBy(() -> WorkerPlans.split(request(19_000, TransportMix.WEBSOCKET, 1, 10_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("19,000 sockets")
        .hasMessageContaining("--max-sockets-per-worker 18,000")
        .hasMessageContaining("--workers 2");
  }

  @Test
  void refusesToRunPastTheLastLoopbackAddress() {
    assertThatThrownBy(() -> WorkerPlans.split(request(17_000, TransportMix.WEBSOCKET, 0, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--agents-per-source-address");
  }

  @Test
  void honoursAnExplicitWorkerCount() {
    List<WorkerPlan> plans = WorkerPlans.split(request(1_000, TransportMix.WEBSOCKET, 4, 10_000));

    assertThat(plans).hasSize(4);
    assertThat(plans).allSatisfy(p -> assertThat(p.agents()).isEqualTo(250));
  }
}
