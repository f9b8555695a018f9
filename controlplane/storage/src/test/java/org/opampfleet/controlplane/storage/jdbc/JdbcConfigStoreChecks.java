/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.config.ConfigConflictException;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigSettings.TelemetryDestination;
import org.opampfleet.controlplane.config.ConfigStore;
import org.opampfleet.controlplane.config.ConfigStoreContract;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.config.Configuration;

/**
 * What the JDBC configuration store does beyond the {@link ConfigStoreContract}, on either
 * database: concurrent writers, conflicts and every setting. Implemented by the config store ITs.
 */
interface JdbcConfigStoreChecks {

  /** Returns the store, emptied. */
  ConfigStore store();

  @Test
  default void letsOneOfSeveralConcurrentWritersStoreTheNextVersion() throws Exception {
    ConfigStore store = store();
    store.insertVersion(ConfigStoreContract.version("c", 1, "v1"), ConfigSettings.NONE);

    List<Throwable> outcomes = race(store, 6, 2);

    assertThat(outcomes).filteredOn(o -> o == null).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o != null)
        .hasSize(5)
        .allSatisfy(
            o ->
                assertThat(o)
                    .isInstanceOfSatisfying(
                        ConfigConflictException.class,
                        conflict -> assertThat(conflict.latestVersion()).isEqualTo(2)));
    assertThat(store.versions("c")).extracting(ConfigVersion::version).containsExactly(2, 1);
  }

  @Test
  default void letsOneOfSeveralConcurrentWritersCreateAConfiguration() throws Exception {
    ConfigStore store = store();

    List<Throwable> outcomes = race(store, 6, 1);

    assertThat(outcomes).filteredOn(o -> o == null).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o != null)
        .hasSize(5)
        .allSatisfy(o -> assertThat(o).isInstanceOf(ConfigConflictException.class));
    assertThat(store.versions("c")).extracting(ConfigVersion::version).containsExactly(1);
  }

  @Test
  default void reportsTheLatestVersionInAConflict() {
    ConfigStore store = store();
    store.insertVersion(ConfigStoreContract.version("c", 1, "v1"), ConfigSettings.NONE);
    store.insertVersion(ConfigStoreContract.version("c", 2, "v2"), null);

    assertThatThrownBy(() -> store.insertVersion(ConfigStoreContract.version("c", 2, "x"), null))
        .isInstanceOfSatisfying(
            ConfigConflictException.class, e -> assertThat(e.latestVersion()).isEqualTo(2))
        .hasMessageContaining("is at v2 but the change was based on v1");
    assertThatThrownBy(() -> store.insertVersion(ConfigStoreContract.version("c", 1, "x"), null))
        .isInstanceOfSatisfying(
            ConfigConflictException.class, e -> assertThat(e.latestVersion()).isEqualTo(2));
    assertThatThrownBy(() -> store.insertVersion(ConfigStoreContract.version("c", 7, "x"), null))
        .isInstanceOfSatisfying(
            ConfigConflictException.class, e -> assertThat(e.latestVersion()).isEqualTo(2));
    assertThatThrownBy(() -> store.insertVersion(ConfigStoreContract.version("c", 0, "x"), null))
        .isInstanceOf(ConfigConflictException.class);
  }

  @Test
  default void keepsEverySetting() {
    ConfigStore store = store();
    ConfigSettings settings =
        new ConfigSettings(
            Duration.ofMillis(1500),
            new TelemetryDestination(
                "https://otlp.example.com:4318/v1/metrics",
                Map.of("api-key", "k\"\\\u0000", "x-tenant", "é")),
            new TelemetryDestination("http://127.0.0.1:4318/v1/logs", Map.of()),
            new TelemetryDestination("https://t.example.com/v1/traces", Map.of("a", "b")));

    store.insertVersion(ConfigStoreContract.version("c", 1, "v1"), settings);
    assertThat(store.get("c").orElseThrow().settings()).isEqualTo(settings);

    assertThat(store.updateSettings("c", ConfigSettings.NONE)).isTrue();
    assertThat(store.get("c").orElseThrow().settings()).isEqualTo(ConfigSettings.NONE);
  }

  @Test
  default void storesNoSettingsAsNone() {
    ConfigStore store = store();

    store.insertVersion(ConfigStoreContract.version("c", 1, "v1"), null);

    assertThat(store.get("c").orElseThrow().settings()).isEqualTo(ConfigSettings.NONE);
  }

  @Test
  default void listsConfigurationsByNameWithTheirLatestVersion() {
    ConfigStore store = store();
    for (String name : List.of("b", "a-2", "a", "c")) {
      store.insertVersion(ConfigStoreContract.version(name, 1, name), ConfigSettings.NONE);
    }
    store.insertVersion(ConfigStoreContract.version("b", 2, "b2"), null);

    List<Configuration> all = store.list();

    assertThat(all).extracting(Configuration::name).containsExactly("a", "a-2", "b", "c");
    assertThat(all.get(2).latest()).isEqualTo(ConfigStoreContract.version("b", 2, "b2"));
  }

  @Test
  default void startsAgainAtVersionOneAfterADelete() {
    ConfigStore store = store();
    store.insertVersion(ConfigStoreContract.version("c", 1, "v1"), ConfigSettings.NONE);
    store.insertVersion(ConfigStoreContract.version("c", 2, "v2"), null);
    store.delete("c");

    store.insertVersion(ConfigStoreContract.version("c", 1, "again"), ConfigSettings.NONE);

    assertThat(store.versions("c")).containsExactly(ConfigStoreContract.version("c", 1, "again"));
  }

  /** Has {@code writers} threads store version {@code version} of "c" at once. */
  private static List<Throwable> race(ConfigStore store, int writers, int version)
      throws InterruptedException, TimeoutException {
    ExecutorService executor = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> attempts = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        ConfigVersion candidate = ConfigStoreContract.version("c", version, "writer " + i);
        attempts.add(
            executor.submit(
                () -> {
                  start.await();
                  store.insertVersion(candidate, ConfigSettings.NONE);
                  return null;
                }));
      }
      start.countDown();
      List<Throwable> outcomes = new ArrayList<>();
      for (Future<?> attempt : attempts) {
        try {
          attempt.get(60, TimeUnit.SECONDS);
          outcomes.add(null);
        } catch (ExecutionException e) {
          outcomes.add(e.getCause());
        }
      }
      return outcomes;
    } finally {
      executor.shutdownNow();
    }
  }
}
