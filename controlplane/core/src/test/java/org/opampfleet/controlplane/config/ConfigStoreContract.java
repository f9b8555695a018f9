/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ConfigStore} implementation must have. Implement {@link #store()};
 * each call must return an empty store.
 */
public interface ConfigStoreContract {

  /** Returns a new, empty store. */
  ConfigStore store();

  Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  static ConfigVersion version(String name, int number, String body) {
    Map<String, String> files = Map.of("collector.yaml", body, "extra.yaml", "a: 1\n");
    return new ConfigVersion(
        name,
        number,
        "service.name=checkout,env in (prod)",
        10,
        files,
        ConfigHashes.hex(files),
        T0.plusSeconds(number),
        "admin",
        "note " + number);
  }

  @Test
  default void createsAConfigurationWithItsFirstVersion() {
    ConfigStore store = store();
    ConfigSettings settings =
        new ConfigSettings(
            Duration.ofSeconds(15),
            new ConfigSettings.TelemetryDestination(
                "https://otlp.example.com:4318/v1/metrics", Map.of("api-key", "k")),
            null,
            null);

    store.insertVersion(version("checkout-prod", 1, "receivers: {}\n"), settings);

    Configuration stored = store.get("checkout-prod").orElseThrow();
    assertThat(stored.latest()).isEqualTo(version("checkout-prod", 1, "receivers: {}\n"));
    assertThat(stored.settings()).isEqualTo(settings);
    assertThat(stored.createdAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(store.list()).extracting(Configuration::name).containsExactly("checkout-prod");
  }

  @Test
  default void keepsEveryVersionNewestFirst() {
    ConfigStore store = store();
    store.insertVersion(version("c", 1, "v1"), ConfigSettings.NONE);
    store.insertVersion(version("c", 2, "v2"), null);
    store.insertVersion(version("c", 3, "v3"), null);

    assertThat(store.versions("c")).extracting(ConfigVersion::version).containsExactly(3, 2, 1);
    assertThat(store.version("c", 2)).contains(version("c", 2, "v2"));
    assertThat(store.get("c").orElseThrow().latest().version()).isEqualTo(3);
    assertThat(store.get("c").orElseThrow().createdAt()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  default void refusesAVersionThatIsNotTheNextOne() {
    ConfigStore store = store();
    store.insertVersion(version("c", 1, "v1"), ConfigSettings.NONE);

    assertThatThrownBy(() -> store.insertVersion(version("c", 1, "again"), null))
        .isInstanceOf(ConfigConflictException.class);
    assertThatThrownBy(() -> store.insertVersion(version("c", 3, "skipped"), null))
        .isInstanceOf(ConfigConflictException.class);
    assertThatThrownBy(() -> store.insertVersion(version("new", 2, "no v1"), null))
        .isInstanceOf(ConfigConflictException.class);
    assertThat(store.versions("c")).hasSize(1);
  }

  @Test
  default void updatesSettingsAndDeletes() {
    ConfigStore store = store();
    store.insertVersion(version("c", 1, "v1"), ConfigSettings.NONE);
    ConfigSettings settings = new ConfigSettings(Duration.ofSeconds(60), null, null, null);

    assertThat(store.updateSettings("c", settings)).isTrue();
    assertThat(store.updateSettings("missing", settings)).isFalse();
    assertThat(store.get("c").orElseThrow().settings()).isEqualTo(settings);

    assertThat(store.delete("c")).isTrue();
    assertThat(store.delete("c")).isFalse();
    assertThat(store.get("c")).isEmpty();
    assertThat(store.versions("c")).isEmpty();
    assertThat(store.list()).isEmpty();
  }

  @Test
  default void returnsNothingForUnknownNames() {
    ConfigStore store = store();

    assertThat(store.get("nope")).isEmpty();
    assertThat(store.version("nope", 1)).isEmpty();
    assertThat(store.versions("nope")).isEmpty();
  }
}
