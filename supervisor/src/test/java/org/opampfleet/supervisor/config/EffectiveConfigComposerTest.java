/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.Headers;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** Composition order, placeholders and injected snippets (compat reference 3.1 to 3.6). */
class EffectiveConfigComposerTest {
  private static final InstanceUid UID = InstanceUid.parse("0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f");

  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();
  private final EffectiveConfigComposer composer =
      new EffectiveConfigComposer(
          Map.of("EXTRA", "processors:\n  fromenv: {}\n")::get, warnings::add);

  private Map<String, Object> extension() {
    return ConfigSnippets.opampExtension(
        UID,
        4711,
        "tok",
        42,
        Duration.ofSeconds(5),
        new ConfigSnippets.ExtensionOptions(true, false));
  }

  private static AgentConfigMap remote(String... nameAndBody) {
    AgentConfigMap.Builder map = AgentConfigMap.newBuilder();
    for (int i = 0; i + 1 < nameAndBody.length; i += 2) {
      map.putConfigMap(
          nameAndBody[i],
          AgentConfigFile.newBuilder()
              .setBody(ByteString.copyFromUtf8(nameAndBody[i + 1]))
              .build());
    }
    return map.build();
  }

  private String compose(List<String> files, @Nullable AgentConfigMap remote)
      throws CompositionException {
    return composer.compose(
        new EffectiveConfigComposer.Inputs(
            files,
            true,
            remote,
            true,
            extension(),
            ConfigSnippets.ownTelemetry(ConnectionSettingsOffers.getDefaultInstance()),
            ConfigSnippets.extraTelemetry(AgentDescription.getDefaultInstance()),
            UID));
  }

  @Test
  void completesThePlaceholdersInTheUpstreamOrder() {
    assertThat(EffectiveConfigComposer.withPlaceholders(List.of("a.yaml")))
        .containsExactly(
            "$OWN_TELEMETRY_CONFIG", "a.yaml", "$OPAMP_EXTENSION_CONFIG", "$REMOTE_CONFIG");
    assertThat(EffectiveConfigComposer.withPlaceholders(List.of("$REMOTE_CONFIG", "a.yaml")))
        .containsExactly(
            "$OWN_TELEMETRY_CONFIG", "$REMOTE_CONFIG", "a.yaml", "$OPAMP_EXTENSION_CONFIG");
  }

  @Test
  void addsTheNopPipelineOnlyWhileThereIsNoRemoteConfig() throws CompositionException {
    assertThat(compose(List.of(), null)).contains("nop: null").contains("- nop");
    assertThat(compose(List.of(), remote("", "receivers:\n  otlp: {}\n"))).doesNotContain("nop");
  }

  @Test
  void injectsTheExtensionWithTheTokenPidAndUid() throws CompositionException {
    String out = compose(List.of(), null);
    assertThat(out)
        .contains("endpoint: ws://127.0.0.1:4711/v1/opamp")
        .contains("instance_uid: " + UID)
        .contains("Authorization: Bearer tok")
        .contains("ppid: 42")
        .contains("ppid_poll_interval: 5s")
        .contains("reports_available_components: true")
        .contains("insecure: true")
        .contains("- opamp");
  }

  @Test
  void laterSourcesWinAndTheRemoteConfigComesLast() throws IOException, CompositionException {
    Path local =
        Files.writeString(
            dir.resolve("local.yaml"), "exporters:\n  debug:\n    verbosity: basic\n");
    String out =
        compose(
            List.of(local.toString(), "env:EXTRA"),
            remote(
                "",
                "exporters:\n  debug:\n    verbosity: detailed\nservice:\n  extensions: [health_check]\n"));
    assertThat(out).contains("verbosity: detailed").contains("fromenv: {}");
    assertThat(out).contains("extensions:\n    - opamp\n    - health_check\n");
    assertThat(out).contains("name: service.instance.id\n          value: " + UID);
  }

  @Test
  void mergesRemoteEntriesSortedWithTheInstanceEntryLast() throws CompositionException {
    String out =
        compose(
            List.of(),
            remote(
                "", "exporters:\n  debug:\n    verbosity: fromInstance\n",
                "b", "exporters:\n  debug:\n    verbosity: fromB\n",
                "a", "exporters:\n  debug:\n    verbosity: fromA\n"));
    assertThat(out).contains("verbosity: fromInstance");
  }

  @Test
  void aRemoteConfigThatIsNotYamlFailsTheComposition() {
    assertThatThrownBy(() -> compose(List.of(), remote("", "receivers: [unclosed\n")))
        .isInstanceOf(CompositionException.class)
        .hasMessageContaining("cannot parse the remote config");
  }

  @Test
  void skipsMissingOrInvalidLocalFilesWithAWarning() throws IOException, CompositionException {
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "a: [\n");
    compose(List.of(dir.resolve("missing.yaml").toString(), broken.toString()), null);
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("missing.yaml");
    assertThat(warnings.get(1)).contains("broken.yaml");
  }

  @Test
  void ownTelemetryBecomesOtlpExportersOfTheCollectorsOwnTelemetry() {
    ConnectionSettingsOffers offers =
        ConnectionSettingsOffers.newBuilder()
            .setOwnMetrics(
                TelemetryConnectionSettings.newBuilder()
                    .setDestinationEndpoint("https://otlp.example/v1/metrics")
                    .setHeaders(
                        Headers.newBuilder()
                            .addHeaders(Header.newBuilder().setKey("k").setValue("v"))))
            .setOwnLogs(TelemetryConnectionSettings.newBuilder().setDestinationEndpoint(""))
            .build();
    String out = Yaml.dump(ConfigSnippets.ownTelemetry(offers));
    assertThat(out)
        .contains("readers:\n        - periodic:\n            exporter:\n              otlp:\n")
        .contains("endpoint: https://otlp.example/v1/metrics")
        .contains("protocol: http/protobuf")
        .contains("k: v")
        .doesNotContain("logs");
  }

  @Test
  void extraTelemetryCarriesTheDescriptionAsResourceAttributes() {
    AgentDescription description =
        AgentDescription.newBuilder()
            .addIdentifyingAttributes(
                KeyValue.newBuilder()
                    .setKey("service.name")
                    .setValue(AnyValue.newBuilder().setStringValue("otelcol")))
            .addNonIdentifyingAttributes(
                KeyValue.newBuilder()
                    .setKey("host.name")
                    .setValue(AnyValue.newBuilder().setStringValue("h1")))
            .build();
    String out = Yaml.dump(ConfigSnippets.extraTelemetry(description));
    assertThat(out).contains("encoding: json").contains("name: host.name").contains("value: h1");
    assertThat(out.indexOf("name: host.name")).isLessThan(out.indexOf("name: service.name"));
  }

  @Test
  void fallbackIsTheFallbackFilesPlusTheSnippets() throws IOException {
    Path fallback = Files.writeString(dir.resolve("fb.yaml"), "receivers:\n  otlp: {}\n");
    String out =
        composer.composeFallback(
            List.of(fallback),
            extension(),
            ConfigSnippets.ownTelemetry(ConnectionSettingsOffers.getDefaultInstance()),
            ConfigSnippets.extraTelemetry(AgentDescription.getDefaultInstance()));
    assertThat(out).contains("otlp: {}").contains("opamp:");
  }
}
