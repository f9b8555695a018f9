/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.testing.TestFleet;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

class FleetViewTest {
  private final TestFleet fleet = new TestFleet();

  private static AgentQuery query(
      Selector selector, Set<AgentStatus.ConfigStatus> configStatus, int limit, String after) {
    return new AgentQuery(
        selector,
        Set.of(),
        Set.of(),
        configStatus,
        null,
        "",
        AgentQuery.Sort.NAME,
        false,
        limit,
        after);
  }

  @Test
  void pagesThroughEveryAgentWithoutOverlapOrGaps() {
    for (int i = 0; i < 250; i++) {
      fleet.connect(Map.of("service.name", "svc-" + (i % 7)));
    }
    List<InstanceUid> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      AgentPage page = fleet.view.page(query(null, Set.of(), 100, cursor));
      assertThat(page.total()).isEqualTo(250);
      page.items().forEach(v -> seen.add(v.agent().instanceUid()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(250).doesNotHaveDuplicates();
  }

  @Test
  void givesEachPageItsOffsetAndCursorsForThePreviousAndLastPages() {
    for (int i = 0; i < 250; i++) {
      fleet.connect(Map.of("service.name", "svc-" + (i % 7)));
    }
    List<InstanceUid> all = new ArrayList<>();
    fleet
        .view
        .page(query(null, Set.of(), 500, null))
        .items()
        .forEach(v -> all.add(v.agent().instanceUid()));

    AgentPage first = fleet.view.page(query(null, Set.of(), 100, null));
    AgentPage second = fleet.view.page(query(null, Set.of(), 100, first.nextCursor()));
    AgentPage last = fleet.view.page(query(null, Set.of(), 100, first.lastCursor()));
    AgentPage backFromLast = fleet.view.page(query(null, Set.of(), 100, last.previousCursor()));

    assertThat(first.offset()).isZero();
    assertThat(first.previousCursor()).isNull();
    assertThat(second.offset()).isEqualTo(100);
    assertThat(second.previousCursor()).as("the previous page is the first: no cursor").isNull();
    assertThat(last.offset()).isEqualTo(200);
    assertThat(last.items())
        .extracting(v -> v.agent().instanceUid())
        .isEqualTo(all.subList(200, 250));
    assertThat(last.nextCursor()).isNull();
    assertThat(last.lastCursor()).as("already on the last page").isNull();
    assertThat(backFromLast.offset()).isEqualTo(100);
    assertThat(backFromLast.items()).isEqualTo(second.items());
    assertThat(second.lastCursor()).isEqualTo(first.lastCursor());
  }

  @Test
  void filtersBySelectorStatusAndText() {
    Agent prod = fleet.connect(Map.of("service.name", "checkout", "env", "prod"));
    fleet.connect(Map.of("service.name", "checkout", "env", "dev"));
    ConfigVersion v1 = fleet.save("checkout", "env=prod", 0, "a: 1\n");
    fleet.report(prod.instanceUid(), v1, RemoteConfigReport.Status.FAILED, "boom");

    assertThat(fleet.view.page(query(Selector.parse("env=prod"), Set.of(), 100, null)).items())
        .extracting(v -> v.agent().instanceUid())
        .containsExactly(prod.instanceUid());
    assertThat(
            fleet
                .view
                .page(query(null, Set.of(AgentStatus.ConfigStatus.FAILED), 100, null))
                .total())
        .isOne();
    String tail = prod.shortUid().substring(2);
    assertThat(
            fleet
                .view
                .page(
                    new AgentQuery(
                        null,
                        Set.of(),
                        Set.of(),
                        Set.of(),
                        null,
                        tail,
                        AgentQuery.Sort.ATTENTION,
                        false,
                        10,
                        null))
                .items())
        .extracting(v -> v.agent().instanceUid())
        .contains(prod.instanceUid());
  }

  @Test
  void sortsByAttentionWithFailuresFirst() {
    fleet.connect(Map.of("service.name", "ok"));
    Agent failing = fleet.connect(Map.of("service.name", "bad"));
    ConfigVersion v1 = fleet.save("bad", "service.name=bad", 0, "a: 1\n");
    fleet.report(failing.instanceUid(), v1, RemoteConfigReport.Status.FAILED, "boom");

    AgentPage page = fleet.view.page(AgentQuery.everything());

    assertThat(page.items().get(0).agent().instanceUid()).isEqualTo(failing.instanceUid());
  }

  @Test
  void countsTheFleet() {
    Agent a =
        fleet.connect(Map.of("service.name", "otelcol-contrib", "service.version", "0.141.0"));
    fleet.connect(Map.of("service.name", "otelcol-contrib", "service.version", "0.141.0"));
    fleet.connect(Map.of("service.name", "otelcol-contrib", "service.version", "0.140.0"));
    ConfigVersion v1 = fleet.save("all", "", 0, "a: 1\n");
    fleet.report(a.instanceUid(), v1, RemoteConfigReport.Status.APPLIED, "");

    FleetSummary summary = fleet.view.summary();

    assertThat(summary.total()).isEqualTo(3);
    assertThat(summary.connection()).containsEntry(AgentStatus.ConnectionStatus.CONNECTED, 3);
    assertThat(summary.config())
        .containsEntry(AgentStatus.ConfigStatus.APPLIED, 1)
        .containsEntry(AgentStatus.ConfigStatus.PENDING, 2);
    assertThat(summary.agentVersions().keySet())
        .containsExactly("otelcol-contrib 0.141.0", "otelcol-contrib 0.140.0");
    assertThat(summary.configurations()).containsEntry("all", 3);
    assertThat(summary.transport()).containsEntry("websocket", 3);
  }

  @Test
  void previewsWhatASelectorMatchesAndWhereKeysResolve() {
    Agent a = fleet.connect(Map.of("service.name", "checkout"));
    fleet.connect(Map.of("service.name", "cart"));
    fleet.inventory.updateExisting(
        a.instanceUid(), x -> x.toBuilder().labels(Map.of("env", "prod")).build());

    FleetView.SelectorPreview preview =
        fleet.view.preview(Selector.parse("service.name=checkout,env=prod,zone"), 5);

    assertThat(preview.matching()).isZero();
    assertThat(preview.resolution())
        .containsExactly(
            Map.entry("service.name", "identifying attribute"),
            Map.entry("env", "label"),
            Map.entry("zone", "not found on any agent"));
    FleetView.SelectorPreview matching = fleet.view.preview(Selector.parse("env=prod"), 5);
    assertThat(matching.matching()).isOne();
    assertThat(matching.connected()).isOne();
    assertThat(matching.samples()).extracting(Agent::instanceUid).containsExactly(a.instanceUid());
  }
}
