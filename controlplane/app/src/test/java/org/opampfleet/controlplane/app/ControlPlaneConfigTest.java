/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneConfigTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("opampfleet.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void startsFromTheDefaults() throws Exception {
    ControlPlaneConfig config = ControlPlaneConfig.load(null, Map.of(), Map.of());

    assertThat(config.integer("opamp.port")).isEqualTo(4320);
    assertThat(config.integer("http.port")).isEqualTo(4321);
    assertThat(config.path("data-dir")).isEqualTo(Path.of("./data"));
    assertThat(config.duration("opamp.idle-timeout")).isEqualTo(Duration.ofSeconds(75));
    assertThat(config.bool("http.local-development")).isFalse();
    assertThat(config.has("database.url")).isFalse();
  }

  @Test
  void appliesFileThenEnvironmentThenFlags() throws Exception {
    Path file =
        yaml(
            "opampfleet:\n  opamp:\n    port: 5000\n    idle-timeout: 2m\n  http:\n    port: 5001\n  data-dir: /var/lib/opampfleet\n");

    ControlPlaneConfig config =
        ControlPlaneConfig.load(
            file,
            Map.of("OPAMPFLEET_HTTP_PORT", "6001", "OPAMPFLEET_DATA_DIR", "/srv/data"),
            Map.of("data-dir", "/flag/data"));

    assertThat(config.integer("opamp.port")).isEqualTo(5000);
    assertThat(config.duration("opamp.idle-timeout")).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.integer("http.port")).isEqualTo(6001);
    assertThat(config.source("http.port")).isEqualTo("environment variable OPAMPFLEET_HTTP_PORT");
    assertThat(config.path("data-dir")).isEqualTo(Path.of("/flag/data"));
    assertThat(config.source("data-dir")).isEqualTo("the --data-dir flag");
  }

  @Test
  void namesAnUnknownKeyAndSuggestsTheRightOne() throws Exception {
    Path file = yaml("opampfleet:\n  opamp:\n    prot: 5000\n");

    assertThatThrownBy(() -> ControlPlaneConfig.load(file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "unknown key 'opampfleet.opamp.prot' in "
                + file
                + " (did you mean 'opampfleet.opamp.port'?)");
  }

  @Test
  void refusesOtherTopLevelKeys() throws Exception {
    Path file = yaml("server:\n  port: 1\n");

    assertThatThrownBy(() -> ControlPlaneConfig.load(file, Map.of(), Map.of()))
        .hasMessageContaining("unknown top-level key 'server'")
        .hasMessageContaining("(expected: opampfleet)");
  }

  @Test
  void namesTheKeyAndSourceOfABadValue() {
    assertThatThrownBy(
            () -> ControlPlaneConfig.load(null, Map.of("OPAMPFLEET_OPAMP_PORT", "70000"), Map.of()))
        .hasMessage(
            "opamp.port: '70000' from environment variable OPAMPFLEET_OPAMP_PORT is not valid (expected: a port from 0 to 65535)");
    assertThatThrownBy(
            () ->
                ControlPlaneConfig.load(
                    null, Map.of("OPAMPFLEET_OPAMP_IDLE_TIMEOUT", "soon"), Map.of()))
        .hasMessageContaining("(expected: a duration such as 500ms, 30s, 5m or PT30S)");
    assertThatThrownBy(
            () ->
                ControlPlaneConfig.load(
                    null, Map.of("OPAMPFLEET_HTTP_LOCAL_DEVELOPMENT", "yes"), Map.of()))
        .hasMessageContaining("(expected: true or false)");
  }

  @Test
  void neverShowsASecretInAnError() {
    assertThatThrownBy(
            () ->
                ControlPlaneConfig.load(
                    null, Map.of("OPAMPFLEET_OPAMP_ENROLLMENT_TOKEN", "  "), Map.of()))
        .hasMessageContaining("(hidden)");
  }

  @Test
  void checksSettingsThatGoTogether() {
    assertThatThrownBy(
            () ->
                ControlPlaneConfig.load(
                    null, Map.of("OPAMPFLEET_OPAMP_TLS_CERTIFICATE", "/c.pem"), Map.of()))
        .hasMessage("opamp.tls.certificate and opamp.tls.private-key must be set together");
    assertThatThrownBy(
            () ->
                ControlPlaneConfig.load(
                    null, Map.of("OPAMPFLEET_DATABASE_URL", "jdbc:mysql://x"), Map.of()))
        .hasMessageContaining("(expected: a jdbc:postgresql:// URL)");
  }

  @Test
  void reportsAFileThatIsNotYaml() throws Exception {
    Path file = yaml("opampfleet: [unclosed\n");

    assertThatThrownBy(() -> ControlPlaneConfig.load(file, Map.of(), Map.of()))
        .hasMessageStartingWith("configuration file " + file + " is not valid YAML");
  }

  @Test
  void derivesEnvironmentVariableNamesFromKeys() {
    assertThat(Setting.find("opamp.tls.client-ca").environmentVariable())
        .isEqualTo("OPAMPFLEET_OPAMP_TLS_CLIENT_CA");
    assertThat(Setting.find("data-dir").environmentVariable()).isEqualTo("OPAMPFLEET_DATA_DIR");
  }
}
