/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  @Test
  void runsTasksOneAtATimeInSubmissionOrder() {
    FakeScheduler scheduler = new FakeScheduler();
    SerialExecutor lane = new SerialExecutor(scheduler, "test");
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int n = i;
      lane.execute(() -> order.add(n));
    }
    scheduler.runUntilIdle();

    assertThat(order).hasSize(200).isSorted();
  }

  @Test
  void keepsRunningAfterATaskFails() {
    FakeScheduler scheduler = new FakeScheduler();
    SerialExecutor lane = new SerialExecutor(scheduler, "test");
    List<String> ran = new ArrayList<>();
    lane.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    lane.execute(() -> ran.add("after"));
    scheduler.runUntilIdle();

    assertThat(ran).containsExactly("after");
  }

  @Test
  void knowsWhetherTheCurrentThreadRunsOneOfItsTasks() {
    FakeScheduler scheduler = new FakeScheduler();
    SerialExecutor lane = new SerialExecutor(scheduler, "test");
    List<Boolean> inside = new ArrayList<>();
    lane.execute(() -> inside.add(lane.isCurrentThreadInLane()));
    scheduler.runUntilIdle();

    assertThat(inside).containsExactly(true);
    assertThat(lane.isCurrentThreadInLane()).isFalse();
  }

  @Test
  void dropsTasksQuietlyOnceItsExecutorIsShutDown() {
    FakeScheduler scheduler = new FakeScheduler();
    scheduler.shutdown();
    SerialExecutor lane = new SerialExecutor(scheduler, "test");

    lane.execute(() -> {});

    assertThat(scheduler.pendingDelays()).isEmpty();
  }
}
