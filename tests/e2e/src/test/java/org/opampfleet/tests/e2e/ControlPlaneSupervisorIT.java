/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opampfleet.supervisor.scenarios.AgentView;
import org.opampfleet.supervisor.scenarios.SupervisorScenarios;
import org.opampfleet.supervisor.scenarios.TestBinaries;
import org.opampfleet.supervisor.scenarios.UpstreamFixture;

/**
 * The supervisor's scenarios ({@link SupervisorScenarios}) end to end: the control plane server
 * jar, the supervisor (through its launcher) and the fake collector, each its own process on
 * loopback, with the control plane driven through its REST API ({@link ControlPlaneUpstream}).
 *
 * <p>Each scenario gets a fresh control plane with its own data directory; its output is kept in
 * {@code target/scenario-logs/ControlPlaneSupervisorIT-<test>-controlplane.log}.
 */
class ControlPlaneSupervisorIT extends SupervisorScenarios {
  /**
   * Scenarios the control plane cannot run, with the reason. The scenario methods are
   * package-private in the supervisor's test-jar, so they are switched off here rather than
   * overridden with {@code @Disabled}.
   */
  private static final Map<String, String> NOT_APPLICABLE =
      Map.of(
          "serverAssignedInstanceUidIsAdoptedAndKept",
          "the control plane's API cannot assign an agent a new instance UID (UID-10)");

  @RegisterExtension
  static final ExecutionCondition NOT_APPLICABLE_SCENARIOS =
      context ->
          context
              .getTestMethod()
              .map(m -> NOT_APPLICABLE.get(m.getName()))
              .map(ConditionEvaluationResult::disabled)
              .orElseGet(() -> ConditionEvaluationResult.enabled("runs against the control plane"));

  private final String testName;

  ControlPlaneSupervisorIT(TestInfo info) {
    this.testName = info.getTestMethod().orElseThrow().getName();
  }

  /**
   * After a rollback (APPLIED(A) → APPLYING(B) → FAILED(B) → APPLIED(A)) the control plane still
   * wants B. It does not offer B again on the same connection, but after a restart of the control
   * plane the agent reconnects reporting APPLIED(A), and the control plane offers B again; the
   * supervisor answers FAILED(B) without a second attempt, so the collector never leaves A (compat
   * reference 5.6: no flip-flop, whatever the server does).
   */
  @Test
  void aRolledBackConfigIsNotTriedAgainWhenTheControlPlaneRestarts() throws IOException {
    start(config("  automatic_config_rollback: true\n"));
    String uid = awaitHealthyAgent();
    int port = TestBinaries.freePort();
    String good = upstream.offerConfig(uid, Map.of("", pipeline(port)));
    awaitStatus(uid, good, "APPLIED");
    String bad = upstream.offerConfig(uid, Map.of("", invalidPipeline()));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> sequence(view(uid), good, bad),
            seq -> Collections.indexOfSubList(seq, List.of("FAILED(B)", "APPLIED(A)")) >= 0);
    ControlPlaneUpstream controlPlane = (ControlPlaneUpstream) upstream;
    assertThat(controlPlane.offers(uid, bad)).as("offers of B on one connection").isOne();

    upstream.stop();
    upstream.start();
    // Healthy and connected: the first report of the new connection, and the control plane's
    // answer to it, are in. Then either B was not offered again, or the supervisor answered the
    // new offer with FAILED(B).
    AgentView settled =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> view(uid),
                a ->
                    a.connected()
                        && a.health() != null
                        && a.health().healthy()
                        && (controlPlane.offers(uid, bad) == 1
                            || (a.remoteConfigStatus().hash().equals(bad)
                                && a.remoteConfigStatus().status().equals("FAILED"))));

    assertThat(statusesOf(settled, bad))
        .as("statuses %s", sequence(settled, good, bad))
        .containsOnlyOnce("APPLYING");
    assertThat(httpStatus(port)).isEqualTo(200);
    assertThat(settled.effectiveConfig()).contains("127.0.0.1:" + port);
  }

  @Override
  protected UpstreamFixture createUpstream() {
    return new ControlPlaneUpstream(
        work.resolve("controlplane"),
        Path.of(
            "target",
            "scenario-logs",
            getClass().getSimpleName() + "-" + testName + "-controlplane.log"));
  }
}
