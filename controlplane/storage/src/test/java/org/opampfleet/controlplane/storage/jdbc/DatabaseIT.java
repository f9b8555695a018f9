/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.AgentStoreContract;
import org.opampfleet.controlplane.auth.ApiToken;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigStoreContract;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.config.Configuration;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Opening, closing and reopening databases: restarts lose nothing, migrations run once, a data
 * directory has one owner, secrets stay out of errors, and a 10,000-agent batch on both databases.
 */
class DatabaseIT {
  private static final System.Logger LOG = System.getLogger(DatabaseIT.class.getName());
  private static final Instant T0 = AgentStoreContract.T0;
  private static final int FLEET = 10_000;

  @RegisterExtension
  static final PostgresDatabaseExtension POSTGRES = new PostgresDatabaseExtension();

  @TempDir Path dataDir;

  @Test
  void keepsEverythingAcrossARestart() {
    Agent agent = AgentStoreContract.fullAgent(InstanceUid.generate());
    AgentEvent event = new AgentEvent(agent.instanceUid(), T0, AgentEvent.Kind.CONNECTED, "ws");
    ConfigVersion v1 = ConfigStoreContract.version("checkout-prod", 1, "receivers: {}\n");
    ConfigSettings settings = new ConfigSettings(Duration.ofSeconds(15), null, null, null);
    ApiToken token = new ApiToken("a1b2c3d4", "admin", "ab".repeat(32), T0);
    try (Database database = Database.h2(dataDir)) {
      database.agents().saveAll(List.of(agent));
      database.agents().appendEvents(List.of(event));
      database.configs().insertVersion(v1, settings);
      database.tokens().insert(token);
    }

    try (Database reopened = Database.h2(dataDir)) {
      assertThat(reopened.agents().loadAll()).containsExactly(agent);
      assertThat(reopened.agents().events(agent.instanceUid(), null, 10)).containsExactly(event);
      assertThat(reopened.configs().get("checkout-prod"))
          .contains(new Configuration(v1, v1.createdAt(), settings));
      assertThat(reopened.tokens().list()).containsExactly(token);
    }
    assertThat(dataDir.resolve("opampfleet.mv.db")).isRegularFile();
  }

  @Test
  void runsEachMigrationOnceOnH2() {
    try (Database database = Database.h2(dataDir)) {
      assertThat(database.migrate()).isZero();
      assertThat(appliedMigrations(database)).containsExactly("1", "2");
    }
    try (Database reopened = Database.h2(dataDir)) {
      assertThat(reopened.migrate()).isZero();
      assertThat(appliedMigrations(reopened)).containsExactly("1", "2");
    }
  }

  @Test
  void runsEachMigrationOnceOnPostgresql() {
    Database database = POSTGRES.database();

    assertThat(database.migrate()).isZero();
    assertThat(appliedMigrations(database)).containsExactly("1", "1.1", "2");
  }

  @Test
  void refusesADataDirectoryAlreadyOpenInThisProcess() {
    try (Database database = Database.h2(dataDir)) {
      assertThatThrownBy(() -> Database.h2(dataDir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "the data directory "
                  + dataDir.toAbsolutePath()
                  + " is in use by another OpAMP Fleet process");
      assertThat(database.isHealthy()).isTrue();
    }
    // The lock went with the first database: the directory opens again.
    try (Database again = Database.h2(dataDir)) {
      assertThat(again.isHealthy()).isTrue();
    }
  }

  @Test
  @Timeout(60)
  void refusesADataDirectoryThatAnotherControlPlaneProcessHolds() throws Exception {
    String message = openWhileAnotherProcessHolds("database");

    assertThat(message)
        .startsWith(
            "the data directory "
                + dataDir.toAbsolutePath()
                + " is in use by another OpAMP Fleet process (process id ");
  }

  @Test
  @Timeout(60)
  void refusesAnH2FileThatAnotherProcessHasOpen() throws Exception {
    String message = openWhileAnotherProcessHolds("h2-file");

    assertThat(message)
        .startsWith(
            "the data directory "
                + dataDir.toAbsolutePath()
                + " is in use by another OpAMP Fleet process");
  }

  @Test
  void refusesAFileAsTheDataDirectory() throws IOException {
    Path file = Files.createFile(dataDir.resolve("not-a-directory"));

    assertThatThrownBy(() -> Database.h2(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a directory");
  }

  @Test
  void reportsHealthUntilClosed() {
    Database h2 = Database.h2(dataDir);
    assertThat(h2.isHealthy()).isTrue();
    assertThat(POSTGRES.database().isHealthy()).isTrue();

    h2.close();
    h2.close();

    assertThat(h2.isHealthy()).isFalse();
  }

  @Test
  void forgetsAnInMemoryDatabaseWhenClosed() {
    try (Database database = Database.h2InMemory("forgets")) {
      database.tokens().insert(new ApiToken("a1b2c3d4", "admin", "ab".repeat(32), T0));
      assertThat(database.tokens().list()).hasSize(1);
    }
    try (Database database = Database.h2InMemory("forgets")) {
      assertThat(database.tokens().list()).isEmpty();
    }
  }

  @Test
  void keepsThePasswordOutOfConnectionErrors() {
    String url = "jdbc:postgresql://127.0.0.1:1/opampfleet?connectTimeout=2&password=s3cr3t-in-url";

    assertThatThrownBy(() -> Database.postgresql(url, "opampfleet", "s3cr3t-argument"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "cannot open the PostgreSQL database jdbc:postgresql://127.0.0.1:1/")
        .hasMessageNotContaining("s3cr3t")
        .satisfies(
            e -> {
              for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cr3t");
              }
            });
    assertThatThrownBy(() -> Database.postgresql("jdbc:mysql://x/y?password=s3cr3t", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void savesTenThousandAgentsInOneCallOnH2(TestReporter reporter) {
    try (Database database = Database.h2(dataDir)) {
      saveAndLoadAFleet(database, "h2", reporter);
    }
  }

  @Test
  void savesTenThousandAgentsInOneCallOnPostgresql(TestReporter reporter) {
    saveAndLoadAFleet(POSTGRES.emptyDatabase(), "postgresql", reporter);
  }

  private static void saveAndLoadAFleet(Database database, String name, TestReporter reporter) {
    List<Agent> fleet = new ArrayList<>(FLEET);
    for (int i = 0; i < FLEET; i++) {
      fleet.add(AgentStoreContract.fullAgent(InstanceUid.generate()));
    }

    long start = System.nanoTime();
    database.agents().saveAll(fleet);
    Duration insert = Duration.ofNanos(System.nanoTime() - start);

    List<Agent> changed = new ArrayList<>(FLEET);
    for (Agent agent : fleet) {
      changed.add(
          agent.toBuilder().lastSeen(T0.plusSeconds(60)).labels(Map.of("wave", "2")).build());
    }
    start = System.nanoTime();
    database.agents().saveAll(changed);
    Duration update = Duration.ofNanos(System.nanoTime() - start);

    start = System.nanoTime();
    List<Agent> loaded = database.agents().loadAll();
    Duration load = Duration.ofNanos(System.nanoTime() - start);

    assertThat(loaded).hasSize(FLEET);
    // As sets: AssertJ's any-order comparison of two lists is quadratic.
    assertThat(new HashSet<>(loaded)).isEqualTo(new HashSet<>(changed));
    String result =
        FLEET
            + " agents on "
            + name
            + ": saveAll (insert) "
            + insert.toMillis()
            + " ms, saveAll (update) "
            + update.toMillis()
            + " ms, loadAll "
            + load.toMillis()
            + " ms";
    reporter.publishEntry(name + ".fleet", result);
    LOG.log(Level.INFO, result);
  }

  private static List<String> appliedMigrations(Database database) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT \"version\" FROM \"flyway_schema_history\""
                            + " WHERE \"version\" IS NOT NULL AND \"success\""
                            + " ORDER BY \"installed_rank\"")
                    .mapTo(String.class)
                    .list());
  }

  /** Starts a process holding the data directory, tries to open it here, and returns the error. */
  private String openWhileAnotherProcessHolds(String mode) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process holder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DataDirectoryHolder.class.getName(),
                mode,
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader output = holder.inputReader();
      StringBuilder seen = new StringBuilder();
      String line;
      while ((line = output.readLine()) != null && !line.startsWith("ready")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("the holder process's output:%n%s", seen).isNotNull();

      Throwable error = catchThrowable(() -> Database.h2(dataDir));

      assertThat(error).isInstanceOf(IllegalStateException.class);
      return error.getMessage();
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(30, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    }
  }
}
