/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake refuses what the real collector refuses, worded like it. */
class CollectorConfigTest {
  private static final Components COMPONENTS =
      Components.standard(Components.OpampExtensionPresence.INCLUDED);
  private static final String PIPELINE =
      "receivers:\n  otlp: {}\nexporters:\n  debug: {}\n"
          + "service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n";

  @TempDir Path dir;

  private CollectorConfig check(String yaml, String... gates) {
    return CollectorConfig.check(Yaml.loadMap(yaml, "test"), COMPONENTS, Set.of(gates));
  }

  @Test
  void acceptsAValidPipeline() {
    CollectorConfig config = check(PIPELINE);
    assertThat(config.pipelines())
        .containsEntry("traces", List.of("receiver:otlp", "exporter:debug"));
    assertThat(config.metrics()).isEqualTo("localhost:8888");
  }

  @Test
  void refusesUnknownComponentTypesListingTheValidOnes() {
    assertThatThrownBy(() -> check(PIPELINE.replace("otlp", "doesnotexist")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("'receivers' unknown type: \"doesnotexist\" for id: \"doesnotexist\"")
        .hasMessageContaining("(valid values: [filelog hostmetrics nop otlp prometheus])");
  }

  @Test
  void refusesUnknownTopLevelKeys() {
    assertThatThrownBy(() -> check(PIPELINE + "extra: 1\n"))
        .hasMessageContaining("'' has invalid keys: extra");
  }

  @Test
  void refusesPipelinesThatReferToMissingComponents() {
    assertThatThrownBy(() -> check(PIPELINE.replace("exporters: [debug]", "exporters: [otlp]")))
        .hasMessageContaining(
            "service::pipelines::traces: references exporter \"otlp\" which is not configured");
  }

  @Test
  void needsAPipelineUnlessTheGateAllowsNone() {
    assertThatThrownBy(() -> check("receivers:\n  otlp: {}\n"))
        .hasMessageContaining("service must have at least one pipeline");
    assertThat(check("receivers:\n  otlp: {}\n", CollectorConfig.ALLOW_NO_PIPELINES).pipelines())
        .isEmpty();
  }

  @Test
  void readsTheOpampExtensionAsTheSupervisorInjectsIt() {
    CollectorConfig config =
        check(
            PIPELINE.replace("service:\n", "service:\n  extensions: [opamp]\n")
                + "extensions:\n  opamp:\n    instance_uid: 0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f\n"
                + "    server:\n      ws:\n        endpoint: ws://127.0.0.1:1/v1/opamp\n"
                + "        headers:\n          Authorization: Bearer x\n"
                + "    ppid: 99\n    ppid_poll_interval: 1s\n"
                + "    capabilities:\n      reports_available_components: false\n");
    assertThat(config.opamp().ppid()).isEqualTo(99);
    assertThat(config.opamp().ppidPollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.opamp().reportsAvailableComponents()).isFalse();
    assertThat(config.opamp().headers()).containsEntry("Authorization", "Bearer x");
    assertThat(OpampAgent.redacted(config.tree()).toString()).doesNotContain("Bearer x");
  }

  @Test
  void aCollectorWithoutTheOpampExtensionRefusesIt() {
    Components without = Components.standard(Components.OpampExtensionPresence.LEFT_OUT);
    assertThatThrownBy(
            () ->
                CollectorConfig.check(
                    Yaml.loadMap(PIPELINE + "extensions:\n  opamp: {}\n", "t"), without, Set.of()))
        .hasMessageContaining("'extensions' unknown type: \"opamp\"");
  }

  @Test
  void mergesConfigSourcesAndExpandsTheEnvironment() throws IOException {
    Path a =
        Files.writeString(dir.resolve("a.yaml"), "exporters:\n  debug:\n    verbosity: basic\n");
    Path b =
        Files.writeString(
            dir.resolve("b.yaml"), "exporters:\n  debug:\n    verbosity: ${env:LEVEL}\n");
    Map<String, Object> tree =
        ConfigSources.resolve(List.of(a.toString(), "file:" + b), Map.of("LEVEL", "detailed")::get);
    assertThat(tree.toString()).contains("verbosity=detailed");
    assertThatThrownBy(
            () -> ConfigSources.resolve(List.of(dir.resolve("nope.yaml").toString()), n -> null))
        .hasMessageContaining("no such file or directory");
  }

  @Test
  void faultsComeFromTheExtensionOrTheEnvironment() {
    Faults fromEnv =
        Faults.from(
            null, Map.of("FAKE_OTELCOL_CRASH_AFTER", "2s", "FAKE_OTELCOL_EXIT_CODE", "7")::get);
    assertThat(fromEnv.crashAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(fromEnv.exitCode()).isEqualTo(7);
    Faults fromConfig = Faults.from(Map.of("unhealthy", true), n -> null);
    assertThat(fromConfig.unhealthy()).isTrue();
    assertThatThrownBy(() -> Faults.from(Map.of("explode", true), n -> null))
        .hasMessageContaining("has invalid keys: explode");
  }
}
