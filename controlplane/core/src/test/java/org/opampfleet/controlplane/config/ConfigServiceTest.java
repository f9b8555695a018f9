/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.controlplane.testing.TestFleet;

class ConfigServiceTest {
  private final TestFleet fleet = new TestFleet();

  @Test
  void savesImmutableVersionsWithAContentHash() {
    ConfigVersion v1 = fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    ConfigVersion v2 = fleet.save("checkout", "service.name=checkout", 0, "a: 2\n");

    assertThat(v1.version()).isEqualTo(1);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v1.hash()).hasSize(64).isNotEqualTo(v2.hash());
    assertThat(fleet.configs.versions("checkout"))
        .extracting(ConfigVersion::version)
        .containsExactly(2, 1);
    assertThat(fleet.configs.version("checkout", 1)).contains(v1);
    assertThat(fleet.configs.get("checkout").orElseThrow().latest()).isEqualTo(v2);
  }

  @Test
  void hashesEqualFilesEquallyWhateverTheOrder() {
    assertThat(ConfigHashes.hex(Map.of("a", "1", "b", "2")))
        .isEqualTo(ConfigHashes.hex(new java.util.TreeMap<>(Map.of("b", "2", "a", "1"))));
    assertThat(ConfigHashes.hex(Map.of("ab", "c")))
        .isNotEqualTo(ConfigHashes.hex(Map.of("a", "bc")));
  }

  @Test
  void refusesInvalidYamlNamingTheLine() {
    assertThatThrownBy(() -> fleet.save("checkout", "", 0, "a: 1\n  b: [\n"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> {
              assertThat(e.problems())
                  .singleElement()
                  .satisfies(p -> assertThat(p.line()).isPositive());
              assertThat(e.getMessage()).startsWith("collector.yaml line ");
            });
    assertThat(fleet.configs.catalog()).isEmpty();
  }

  @Test
  void refusesABadSelectorNamingTheColumn() {
    assertThatThrownBy(() -> fleet.save("checkout", "env in prod", 0, "a: 1\n"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("selector: column 8: expected '(' after 'in'");
  }

  @Test
  void refusesASaveBasedOnAnOlderVersion() {
    fleet.save("checkout", "", 0, "a: 1\n");
    fleet.save("checkout", "", 0, "a: 2\n");

    assertThatThrownBy(
            () ->
                fleet.configs.save(
                    "checkout", "", 0, Map.of("c.yaml", "a: 3\n"), "bob", "", 1, null))
        .isInstanceOfSatisfying(
            ConfigConflictException.class, e -> assertThat(e.latestVersion()).isEqualTo(2))
        .hasMessageContaining("is at v2 but the change was based on v1");
  }

  @Test
  void returnsWarningsWithoutBlocking() {
    ConfigService.SaveResult result =
        fleet.configs.save(
            "c",
            "",
            0,
            Map.of("c.yaml", "receivers: {otlp: {}}\nservice: {pipelines: {}}\n"),
            "bob",
            "note",
            null,
            null);

    assertThat(result.version().version()).isEqualTo(1);
    assertThat(result.warnings())
        .extracting(ConfigProblem::message)
        .containsExactly("receiver \"otlp\" is defined but not used by any pipeline");
  }

  @Test
  void picksTheMatchingConfigurationWithTheHighestPriority() {
    Agent prod =
        fleet.connect(Map.of("service.name", "checkout", "deployment.environment", "prod"));
    Agent dev = fleet.connect(Map.of("service.name", "checkout", "deployment.environment", "dev"));
    Agent other = fleet.connect(Map.of("service.name", "cart"));
    fleet.save("checkout-base", "service.name=checkout", 0, "a: base\n");
    fleet.save(
        "checkout-prod", "service.name=checkout,deployment.environment=prod", 10, "a: prod\n");

    assertThat(fleet.configs.desiredFor(prod).orElseThrow().configuration().name())
        .isEqualTo("checkout-prod");
    assertThat(fleet.configs.desiredFor(dev).orElseThrow().configuration().name())
        .isEqualTo("checkout-base");
    assertThat(fleet.configs.desiredFor(other)).isEmpty();
    assertThat(fleet.configs.matching(prod))
        .extracting(e -> e.configuration().name())
        .containsExactly("checkout-prod", "checkout-base");
  }

  @Test
  void breaksPriorityTiesByName() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    fleet.save("zeta", "", 5, "a: 1\n");
    fleet.save("alpha", "", 5, "a: 1\n");

    assertThat(fleet.configs.desiredFor(agent).orElseThrow().configuration().name())
        .isEqualTo("alpha");
  }

  @Test
  void letsADirectAssignmentOverrideSelectors() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    fleet.save("checkout-prod", "service.name=checkout", 10, "a: prod\n");
    fleet.save("canary", "nothing-matches-this", 0, "a: canary\n");

    Agent assigned = agent.toBuilder().directConfig("canary").build();

    assertThat(fleet.configs.desiredFor(assigned).orElseThrow().configuration().name())
        .isEqualTo("canary");
  }

  @Test
  void labelsShadowAttributesOfTheSameKey() {
    Agent agent =
        fleet.connect(Map.of("env", "prod")).toBuilder().labels(Map.of("env", "staging")).build();
    fleet.save("staging", "env=staging", 0, "a: 1\n");

    assertThat(fleet.configs.desiredFor(agent)).isPresent();
  }

  @Test
  void publishesSavesAndDeletes() {
    List<FleetEvent> seen = new ArrayList<>();
    fleet.events.subscribe(seen::add);

    ConfigVersion v1 = fleet.save("c", "", 0, "a: 1\n");
    assertThat(fleet.configs.delete("c")).isTrue();
    assertThat(fleet.configs.delete("c")).isFalse();

    assertThat(seen)
        .containsExactly(new FleetEvent.ConfigSaved(v1), new FleetEvent.ConfigChanged("c"));
    assertThat(fleet.configs.catalog()).isEmpty();
  }
}
