/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigValidatorTest {

  private static final String COLLECTOR =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
      processors:
        batch: {}
      exporters:
        debug: {}
      service:
        pipelines:
          traces:
            receivers: [otlp]
            processors: [batch]
            exporters: [debug]
      """;

  @Test
  void acceptsAValidCollectorConfig() {
    assertThat(ConfigValidator.check(Map.of("collector.yaml", COLLECTOR))).isEmpty();
  }

  @Test
  void reportsYamlSyntaxErrorsWithLineAndColumn() {
    List<ConfigProblem> problems =
        ConfigValidator.check(
            Map.of("collector.yaml", "receivers:\n  otlp:\n   endpoint: a\n  bad: [\n"));

    assertThat(problems).hasSize(1);
    ConfigProblem problem = problems.get(0);
    assertThat(problem.severity()).isEqualTo(ConfigProblem.Severity.ERROR);
    assertThat(problem.file()).isEqualTo("collector.yaml");
    assertThat(problem.line()).isPositive();
    assertThat(problem.column()).isPositive();
    assertThat(problem.describe())
        .startsWith("collector.yaml line " + problem.line() + ", column ");
  }

  @Test
  void reportsMappingValuesWhereTheyAreNotAllowed() {
    List<ConfigProblem> problems =
        ConfigValidator.check(Map.of("c.yaml", "receivers:\n  otlp: a: b\n"));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.line()).isEqualTo(2);
              assertThat(p.column()).isEqualTo(10);
              assertThat(p.message()).contains("mapping values are not allowed here");
            });
  }

  @Test
  void reportsDuplicateKeysAsErrors() {
    List<ConfigProblem> problems = ConfigValidator.check(Map.of("c.yaml", "a: 1\nb: 2\na: 3\n"));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.severity()).isEqualTo(ConfigProblem.Severity.ERROR);
              assertThat(p.line()).isEqualTo(3);
              assertThat(p.message()).contains("found duplicate key a");
            });
  }

  @Test
  void warnsAboutUndefinedAndUnusedComponents() {
    String config =
        COLLECTOR.replace("exporters: [debug]", "exporters: [debug, otlphttp/2]")
            + "extensions:\n  health_check: {}\n";

    List<ConfigProblem> problems = ConfigValidator.check(Map.of("c.yaml", config));

    assertThat(problems)
        .allSatisfy(p -> assertThat(p.severity()).isEqualTo(ConfigProblem.Severity.WARNING));
    assertThat(problems)
        .extracting(ConfigProblem::message)
        .containsExactlyInAnyOrder(
            "pipeline traces uses exporter \"otlphttp/2\", which is not defined under exporters",
            "extension \"health_check\" is defined but not used by service.extensions");
    assertThat(ConfigValidator.hasErrors(problems)).isFalse();
  }

  @Test
  void treatsConnectorsAsReceiversAndExporters() {
    String config =
        """
        receivers: {otlp: {}}
        exporters: {debug: {}}
        connectors: {count: {}}
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [count]}
            metrics: {receivers: [count], exporters: [debug]}
        """;

    assertThat(ConfigValidator.check(Map.of("c.yaml", config))).isEmpty();
  }

  @Test
  void leavesFilesInOtherFormatsAlone() {
    assertThat(ConfigValidator.check(Map.of("fluent-bit.conf", "[SERVICE]\n  Flush 1\n: : :")))
        .isEmpty();
  }

  @Test
  void refusesAnEmptyConfigurationAndBadNames() {
    assertThat(ConfigValidator.check(Map.of()))
        .extracting(ConfigProblem::message)
        .containsExactly("a configuration needs at least one file");
    assertThat(ConfigValidator.checkName("checkout-prod")).isEmpty();
    assertThat(ConfigValidator.checkName("Checkout Prod"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("lower-case"));
    assertThat(ConfigValidator.checkName("-x")).isNotEmpty();
  }
}
