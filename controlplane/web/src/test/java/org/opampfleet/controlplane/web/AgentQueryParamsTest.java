/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.status.AgentQuery;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;

class AgentQueryParamsTest {
  private static AgentQueryParams.Parsed parse(Map<String, List<String>> params) {
    return AgentQueryParams.parse(n -> params.getOrDefault(n, List.of()), params.keySet());
  }

  @Test
  void readsFiltersSortAndLimit() {
    var parsed =
        parse(
            Map.of(
                "conn", List.of("stale", "disconnected"),
                "cfgstatus", List.of("failed"),
                "sort", List.of("lastseen"),
                "order", List.of("desc"),
                "limit", List.of("50"),
                "q", List.of("ip-10")));
    AgentQuery q = parsed.query();
    assertThat(q.connection())
        .containsExactlyInAnyOrder(ConnectionStatus.STALE, ConnectionStatus.DISCONNECTED);
    assertThat(q.configStatus()).containsExactly(ConfigStatus.FAILED);
    assertThat(q.sort()).isEqualTo(AgentQuery.Sort.LAST_SEEN);
    assertThat(q.descending()).isTrue();
    assertThat(q.limit()).isEqualTo(50);
    assertThat(q.text()).isEqualTo("ip-10");
    assertThat(parsed.ignored()).isEmpty();
  }

  @Test
  void ignoresInvalidValuesWithAReason() {
    var parsed =
        parse(
            Map.of("health", List.of("grean"), "limit", List.of("9000"), "after", List.of("zzz")));
    assertThat(parsed.ignored())
        .anySatisfy(s -> assertThat(s).startsWith("health=grean"))
        .anySatisfy(s -> assertThat(s).startsWith("limit=9000"))
        .anySatisfy(s -> assertThat(s).startsWith("after"));
    assertThat(parsed.query().limit()).isEqualTo(AgentQueryParams.DEFAULT_LIMIT);
    assertThat(parsed.query().after()).isNull();
  }

  @Test
  void aBadSelectorNamesItsColumnAndIsLeftOut() {
    var parsed = parse(Map.of("selector", List.of("env in prod")));
    assertThat(parsed.selectorError()).isNotNull();
    assertThat(parsed.selectorError().column()).isEqualTo(8);
    assertThat(parsed.query().selector()).isNull();
  }

  @Test
  void facetsBecomeSelectorClauses() {
    var parsed =
        parse(
            Map.of(
                "type",
                List.of("otelcol-contrib"),
                "label.zone",
                List.of("eu-1", "eu-2"),
                "selector",
                List.of("env=prod")));
    assertThat(parsed.query().selector()).isNotNull();
    assertThat(
            parsed
                .query()
                .selector()
                .matches(
                    k ->
                        java.util.Optional.ofNullable(
                            Map.of("env", "prod", "service.name", "otelcol-contrib", "zone", "eu-2")
                                .get(k))))
        .isTrue();
    assertThat(
            parsed
                .query()
                .selector()
                .matches(
                    k ->
                        java.util.Optional.ofNullable(
                            Map.of("env", "prod", "service.name", "otelcol-contrib", "zone", "us-1")
                                .get(k))))
        .isFalse();
  }

  @Test
  void driftMapsToConfigStatesAndContradictionsMatchNothing() {
    assertThat(parse(Map.of("drift", List.of("drifted"))).query().configStatus())
        .containsExactlyInAnyOrder(ConfigStatus.FAILED, ConfigStatus.STUCK);
    var contradiction = parse(Map.of("drift", List.of("insync"), "cfgstatus", List.of("failed")));
    assertThat(contradiction.matchesNothing()).isTrue();
  }
}
