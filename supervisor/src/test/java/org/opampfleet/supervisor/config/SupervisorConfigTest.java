/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.opamp.protocol.wire.AgentCapability;

/** The supervisor's YAML: the Go supervisor's keys and defaults, strict checking, expansion. */
class SupervisorConfigTest {
  @TempDir Path dir;
  private Path exe;

  @BeforeEach
  void createExecutable() throws IOException {
    exe = Files.writeString(dir.resolve("otelcol"), "#!/bin/sh\n");
  }

  private String minimal() {
    return "server:\n  endpoint: ws://127.0.0.1:4320/v1/opamp\nagent:\n  executable: " + exe + "\n";
  }

  private SupervisorConfig parse(String yaml) {
    return SupervisorConfig.parse(
        yaml, Map.of("EP", "wss://opamp.example:4320/v1/opamp", "ON", "true")::get);
  }

  @Test
  void fillsTheGoSupervisorsDefaults() {
    SupervisorConfig config = parse(minimal());
    SupervisorConfig.Capabilities caps = config.capabilities();
    assertThat(caps.acceptsRemoteConfig()).isFalse();
    assertThat(caps.reportsEffectiveConfig()).isTrue();
    assertThat(caps.reportsOwnMetrics()).isTrue();
    assertThat(caps.reportsHealth()).isTrue();
    assertThat(caps.reportsHeartbeat()).isTrue();
    assertThat(caps.reportsRemoteConfig()).isFalse();
    assertThat(caps.reportsAvailableComponents()).isFalse();
    assertThat(caps.toAgentCapabilities())
        .contains(AgentCapability.REPORTS_STATUS, AgentCapability.REPORTS_HEALTH)
        .doesNotContain(AgentCapability.ACCEPTS_REMOTE_CONFIG);
    SupervisorConfig.Agent agent = config.agent();
    assertThat(agent.mode()).isEqualTo(SupervisorConfig.AgentMode.COLLECTOR);
    assertThat(agent.configApplyTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(agent.bootstrapTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(agent.orphanDetectionInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(agent.opampServerPort()).isZero();
    assertThat(agent.passthroughLogs()).isFalse();
    assertThat(agent.validateConfig()).isFalse();
    assertThat(agent.automaticConfigRollback()).isFalse();
    assertThat(agent.env()).isNull();
    assertThat(agent.stopTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(agent.restart().initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(agent.restart().maxDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.storageDirectory()).isEqualTo(Path.of("/var/lib/otelcol/supervisor"));
    assertThat(config.telemetry().logs().level()).isEqualTo("info");
    assertThat(config.telemetry().logs().encoding()).isEqualTo("json");
    assertThat(config.telemetry().logs().outputPaths()).containsExactly("stdout");
    assertThat(config.healthcheck().isEnabled()).isFalse();
  }

  @Test
  void rejectsAnUnknownKeyNamingItAndTheKnownOnes() {
    assertThatThrownBy(() -> parse(minimal() + "agnet:\n  x: 1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("agnet: unknown key (expected one of:")
        .hasMessageContaining("agent");
    assertThatThrownBy(() -> parse(minimal() + "  bootstrap_timout: 5s\n"))
        .hasMessageStartingWith("agent::bootstrap_timout: unknown key")
        .hasMessageContaining("bootstrap_timeout");
    assertThatThrownBy(() -> parse(minimal() + "capabilities:\n  accepts_remote_configs: true\n"))
        .hasMessageStartingWith("capabilities::accepts_remote_configs: unknown key");
  }

  @Test
  void rejectsBadValuesNamingTheKey() {
    assertThatThrownBy(() -> parse(minimal() + "  bootstrap_timeout: soon\n"))
        .hasMessageContaining("agent::bootstrap_timeout: time: invalid duration \"soon\"");
    assertThatThrownBy(() -> parse(minimal() + "  bootstrap_timeout: 0s\n"))
        .hasMessage("agent::bootstrap_timeout must be positive (got 0s)");
    assertThatThrownBy(() -> parse(minimal() + "  config_apply_timeout: 5\n"))
        .hasMessageContaining("agent::config_apply_timeout: 5 (expected: a duration with a unit");
    assertThatThrownBy(() -> parse(minimal() + "  passthrough_logs: maybe\n"))
        .hasMessage("agent::passthrough_logs: \"maybe\" (expected: true or false)");
    assertThatThrownBy(() -> parse(minimal() + "  opamp_server_port: 70000\n"))
        .hasMessage("agent::opamp_server_port: 70000 (expected: 0 to 65535)");
    assertThatThrownBy(() -> parse(minimal() + "  instance_id: nope\n"))
        .hasMessageContaining("agent::instance_id must be a valid UUID string when set");
    assertThatThrownBy(() -> parse(minimal() + "  config_files: [a.yaml, $REMOTE]\n"))
        .hasMessageContaining("agent::config_files contains invalid special file: $REMOTE");
    assertThatThrownBy(() -> parse(minimal() + "healthcheck:\n  endpoint: localhost:99999\n"))
        .hasMessageContaining("healthcheck::endpoint must contain a valid port number");
    assertThatThrownBy(() -> parse(minimal() + "capabilities:\n  accepts_packages: true\n"))
        .hasMessageContaining("capabilities::accepts_packages");
    assertThatThrownBy(() -> parse(minimal() + "telemetry:\n  logs:\n    level: loud\n"))
        .hasMessageContaining("telemetry::logs::level: \"loud\"");
  }

  @Test
  void checksTheServerAndTheExecutable() {
    assertThatThrownBy(() -> parse("agent:\n  executable: " + exe + "\n"))
        .hasMessage("server::endpoint must be specified");
    assertThatThrownBy(
            () -> parse("server:\n  endpoint: ftp://x/\nagent:\n  executable: " + exe + "\n"))
        .hasMessageContaining("unsupported scheme (expected: ws, wss, http or https)");
    assertThatThrownBy(() -> parse("server:\n  endpoint: ws://x/\n"))
        .hasMessage("agent::executable must be specified");
    assertThatThrownBy(
            () ->
                parse(
                    "server:\n  endpoint: ws://x/\nagent:\n  executable: "
                        + dir.resolve("missing")
                        + "\n"))
        .hasMessageContaining("could not stat agent::executable path");
  }

  @Test
  void readsHeadersAsListsOrSingleStrings() {
    SupervisorConfig config =
        parse(
            "server:\n  endpoint: ws://x/\n  headers:\n    Authorization: Bearer abc\n    X-Multi: [a, b]\n"
                + "agent:\n  executable: "
                + exe
                + "\n");
    assertThat(config.server().headers())
        .containsEntry("Authorization", List.of("Bearer abc"))
        .containsEntry("X-Multi", List.of("a", "b"));
  }

  @Test
  void expandsEnvironmentAndFileReferences() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    SupervisorConfig config =
        parse(
            "server:\n  endpoint: ${env:EP}\n  headers:\n    Authorization: Bearer ${file:"
                + token
                + "}\n"
                + "capabilities:\n  accepts_remote_config: ${ON}\n"
                + "agent:\n  executable: "
                + exe
                + "\n  args: ['$${NOT_EXPANDED}', '${env:MISSING:-fallback}']\n");
    assertThat(config.server().endpoint().toString())
        .isEqualTo("wss://opamp.example:4320/v1/opamp");
    assertThat(config.server().headers().get("Authorization")).containsExactly("Bearer s3cret");
    assertThat(config.capabilities().acceptsRemoteConfig()).isTrue();
    assertThat(config.agent().args()).containsExactly("${NOT_EXPANDED}", "fallback");
  }

  @Test
  void warnsAboutUnsetVariablesInsteadOfFailing() {
    SupervisorConfig config =
        parse(minimal() + "  description:\n    non_identifying_attributes:\n      team: ${TEAM}\n");
    assertThat(config.agent().description().nonIdentifying()).containsEntry("team", "");
    assertThat(config.warnings()).anyMatch(w -> w.contains("TEAM is not set"));
  }

  @Test
  void readsOurKeysForRestartsGenericAgentsAndMetrics() {
    SupervisorConfig config =
        parse(
            minimal()
                + "  mode: generic\n"
                + "  restart:\n    initial_delay: 250ms\n    max_delay: 10s\n    crash_loop_threshold: 5\n"
                + "  generic:\n    config_file: /tmp/fluent-bit.conf\n    health_url: http://127.0.0.1:2020/api/v1/health\n"
                + "telemetry:\n  metrics:\n    readers:\n"
                + "      - pull:\n          exporter:\n            prometheus:\n              host: 127.0.0.1\n              port: 9464\n"
                + "      - periodic:\n          interval: 5000\n          exporter:\n            otlp:\n"
                + "              protocol: http/protobuf\n              endpoint: http://127.0.0.1:4318/v1/metrics\n");
    assertThat(config.agent().mode()).isEqualTo(SupervisorConfig.AgentMode.GENERIC);
    assertThat(config.agent().restart())
        .isEqualTo(
            new SupervisorConfig.Restart(
                Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofMinutes(1), 5));
    assertThat(config.agent().generic().configFile()).isEqualTo(Path.of("/tmp/fluent-bit.conf"));
    assertThat(config.agent().generic().healthUrl())
        .hasToString("http://127.0.0.1:2020/api/v1/health");
    assertThat(config.telemetry().metrics().prometheus())
        .containsExactly(new SupervisorConfig.PrometheusReader("127.0.0.1", 9464));
    assertThat(config.telemetry().metrics().otlp()).hasSize(1);
    assertThat(config.telemetry().metrics().otlp().get(0).interval())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void refusesGenericSettingsOutsideGenericMode() {
    assertThatThrownBy(() -> parse(minimal() + "  generic:\n    config_file: /tmp/x\n"))
        .hasMessageContaining("agent::generic is set while agent::mode is collector");
  }
}
