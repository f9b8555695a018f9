/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Go supervisor's merge rules (compat reference 3.2). */
class ConfigMergeTest {
  private static Map<String, Object> yaml(String text) {
    return Yaml.parseMap(text, "test");
  }

  private static String merged(String... documents) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (String d : documents) {
      ConfigMerge.merge(out, yaml(d));
    }
    ConfigMerge.normalizeResource(out);
    return Yaml.dump(out);
  }

  @Test
  void mergesMapsRecursivelyAndTheLaterScalarWins() {
    assertThat(merged("a:\n  b: 1\n  c: 2\n", "a:\n  c: 3\n  d: 4\n"))
        .isEqualTo("a:\n  b: 1\n  c: 3\n  d: 4\n");
  }

  @Test
  void replacesListsWhole() {
    assertThat(
            merged(
                "service:\n  pipelines:\n    traces:\n      receivers: [a, b]\n",
                "service:\n  pipelines:\n    traces:\n      receivers: [c]\n"))
        .contains("receivers:\n        - c\n")
        .doesNotContain("- a");
  }

  @Test
  void concatenatesServiceExtensionsWithoutDuplicates() {
    assertThat(
            merged(
                "service:\n  extensions: [health_check, opamp]\n",
                "service:\n  extensions: [opamp, pprof]\n"))
        .isEqualTo("service:\n  extensions:\n    - health_check\n    - opamp\n    - pprof\n");
  }

  @Test
  void mergesResourceAttributesByName() {
    String out =
        merged(
            "service:\n  telemetry:\n    resource:\n      attributes:\n"
                + "        - {name: a, value: '1'}\n        - {name: b, value: '2'}\n",
            "service:\n  telemetry:\n    resource:\n      attributes:\n"
                + "        - {name: b, value: '3'}\n        - {name: c, value: '4'}\n");
    assertThat(out)
        .isEqualTo(
            "service:\n  telemetry:\n    resource:\n      attributes:\n"
                + "        - name: a\n          value: '1'\n"
                + "        - name: b\n          value: '3'\n"
                + "        - name: c\n          value: '4'\n");
  }

  @Test
  void theClearMarkerEmptiesTheResourceButKeepsSchemaAndDetectors() {
    String out =
        merged(
            "service:\n  telemetry:\n    resource:\n      schema_url: s\n      attributes:\n"
                + "        - {name: a, value: '1'}\n",
            "service:\n  telemetry:\n    resource:\n      "
                + ConfigMerge.CLEAR_RESOURCE_ATTRIBUTES
                + ": true\n      attributes:\n        - {name: z, value: '9'}\n");
    assertThat(out)
        .contains("schema_url: s")
        .contains("name: z")
        .doesNotContain("name: a")
        .doesNotContain(ConfigMerge.CLEAR_RESOURCE_ATTRIBUTES);
  }

  @Test
  void foldsFlatResourceAttributesIntoTheList() {
    String out =
        merged(
            "service:\n  telemetry:\n    resource:\n      attributes:\n"
                + "        - {name: a, value: '1'}\n      a: '2'\n      b: '3'\n");
    assertThat(out)
        .isEqualTo(
            "service:\n  telemetry:\n    resource:\n      attributes:\n"
                + "        - name: a\n          value: '2'\n"
                + "        - name: b\n          value: '3'\n");
  }
}
