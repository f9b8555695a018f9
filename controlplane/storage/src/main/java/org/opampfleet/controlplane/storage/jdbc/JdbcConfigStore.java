/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigConflictException;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigSettings.TelemetryDestination;
import org.opampfleet.controlplane.config.ConfigStore;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.config.Configuration;

/**
 * Keeps configurations in the {@code configurations} table and their versions in {@code
 * config_versions}.
 *
 * <p>{@link #insertVersion} enforces "exactly the latest plus one" in one transaction: version 1
 * inserts the configuration row, which fails on its primary key if the configuration exists;
 * version N moves {@code latest_version} from N-1 to N, which matches no row if another version was
 * stored since (the row lock makes concurrent writers queue, and each re-checks the condition after
 * the one before commits). The primary key on {@code (name, version)} backs both up. Every such
 * conflict becomes a {@link ConfigConflictException}.
 *
 * <p><b>Thread safety:</b> thread-safe; each call borrows its own connection. Methods block.
 */
final class JdbcConfigStore implements ConfigStore {

  private static final String SELECT_CONFIGURATIONS =
      """
      SELECT c.created_at AS configuration_created_at, c.heartbeat_interval,
             c.own_metrics_endpoint, c.own_metrics_headers,
             c.own_logs_endpoint, c.own_logs_headers,
             c.own_traces_endpoint, c.own_traces_headers,
             v.name, v.version, v.selector, v.priority, v.files, v.hash, v.created_at,
             v.author, v.note
      FROM configurations c
      JOIN config_versions v ON v.name = c.name AND v.version = c.latest_version
      """;

  private static final String SELECT_CONFIGURATION = SELECT_CONFIGURATIONS + "WHERE c.name = :name";

  private static final String SELECT_VERSION =
      """
      SELECT name, version, selector, priority, files, hash, created_at, author, note
      FROM config_versions
      WHERE name = :name AND version = :version
      """;

  private static final String SELECT_VERSIONS =
      """
      SELECT name, version, selector, priority, files, hash, created_at, author, note
      FROM config_versions
      WHERE name = :name
      ORDER BY version DESC
      """;

  private static final String SELECT_LATEST_VERSION =
      "SELECT latest_version FROM configurations WHERE name = :name";

  private static final String INSERT_CONFIGURATION =
      """
      INSERT INTO configurations (
          name, created_at, latest_version, heartbeat_interval,
          own_metrics_endpoint, own_metrics_headers,
          own_logs_endpoint, own_logs_headers,
          own_traces_endpoint, own_traces_headers)
      VALUES (
          :name, :created_at, 1, :heartbeat_interval,
          :own_metrics_endpoint, :own_metrics_headers,
          :own_logs_endpoint, :own_logs_headers,
          :own_traces_endpoint, :own_traces_headers)
      """;

  private static final String ADVANCE_LATEST_VERSION =
      """
      UPDATE configurations SET latest_version = :version
      WHERE name = :name AND latest_version = :previous
      """;

  private static final String INSERT_VERSION =
      """
      INSERT INTO config_versions (
          name, version, selector, priority, files, hash, created_at, author, note)
      VALUES (
          :name, :version, :selector, :priority, :files, :hash, :created_at, :author, :note)
      """;

  private static final String UPDATE_SETTINGS =
      """
      UPDATE configurations SET
          heartbeat_interval = :heartbeat_interval,
          own_metrics_endpoint = :own_metrics_endpoint,
          own_metrics_headers = :own_metrics_headers,
          own_logs_endpoint = :own_logs_endpoint,
          own_logs_headers = :own_logs_headers,
          own_traces_endpoint = :own_traces_endpoint,
          own_traces_headers = :own_traces_headers
      WHERE name = :name
      """;

  // The foreign key cascades too; deleting the versions first keeps the statement order obvious.
  private static final String DELETE_VERSIONS = "DELETE FROM config_versions WHERE name = :name";

  private static final String DELETE_CONFIGURATION =
      "DELETE FROM configurations WHERE name = :name";

  private final Jdbi jdbi;

  JdbcConfigStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public List<Configuration> list() {
    List<Configuration> all =
        new ArrayList<>(
            jdbi.withHandle(
                handle ->
                    handle
                        .createQuery(SELECT_CONFIGURATIONS)
                        .map((row, context) -> readConfiguration(row))
                        .list()));
    // Sorted here, not in SQL: the databases' collations differ, Java's order does not.
    all.sort(Comparator.comparing(Configuration::name));
    return all;
  }

  @Override
  public Optional<Configuration> get(String name) {
    requireNonNull(name, "name");
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(SELECT_CONFIGURATION)
                .bind("name", SqlValues.text(name))
                .map((row, context) -> readConfiguration(row))
                .findOne());
  }

  @Override
  public Optional<ConfigVersion> version(String name, int version) {
    requireNonNull(name, "name");
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(SELECT_VERSION)
                .bind("name", SqlValues.text(name))
                .bind("version", version)
                .map((row, context) -> readVersion(row))
                .findOne());
  }

  @Override
  public List<ConfigVersion> versions(String name) {
    requireNonNull(name, "name");
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(SELECT_VERSIONS)
                .bind("name", SqlValues.text(name))
                .map((row, context) -> readVersion(row))
                .list());
  }

  @Override
  public void insertVersion(ConfigVersion version, @Nullable ConfigSettings settings) {
    requireNonNull(version, "version");
    String name = version.name();
    try {
      jdbi.useTransaction(
          handle -> {
            if (version.version() == 1) {
              Update insert =
                  handle
                      .createUpdate(INSERT_CONFIGURATION)
                      .bind("name", SqlValues.text(name))
                      .bind("created_at", SqlValues.timestamp(version.createdAt()));
              bindSettings(insert, settings == null ? ConfigSettings.NONE : settings).execute();
            } else {
              int advanced =
                  handle
                      .createUpdate(ADVANCE_LATEST_VERSION)
                      .bind("name", SqlValues.text(name))
                      .bind("version", version.version())
                      .bind("previous", version.version() - 1)
                      .execute();
              if (advanced == 0) {
                throw new ConfigConflictException(
                    name, version.version() - 1, latestVersion(handle, name));
              }
            }
            handle
                .createUpdate(INSERT_VERSION)
                .bind("name", SqlValues.text(name))
                .bind("version", version.version())
                .bind("selector", SqlValues.text(version.selector()))
                .bind("priority", version.priority())
                .bind("files", SqlValues.text(JsonColumns.writeMap(version.files())))
                .bind("hash", SqlValues.text(version.hash()))
                .bind("created_at", SqlValues.timestamp(version.createdAt()))
                .bind("author", SqlValues.text(version.author()))
                .bind("note", SqlValues.text(version.note()))
                .execute();
          });
    } catch (JdbiException e) {
      if (SqlStates.isUniqueViolation(e)) {
        // Another writer stored this version (or created the configuration) first.
        int latest = jdbi.withHandle(handle -> latestVersion(handle, name));
        throw new ConfigConflictException(name, version.version() - 1, latest);
      }
      throw e;
    }
  }

  @Override
  public boolean updateSettings(String name, ConfigSettings settings) {
    requireNonNull(name, "name");
    requireNonNull(settings, "settings");
    return jdbi.withHandle(
        handle ->
            bindSettings(handle.createUpdate(UPDATE_SETTINGS), settings)
                    .bind("name", SqlValues.text(name))
                    .execute()
                > 0);
  }

  @Override
  public boolean delete(String name) {
    requireNonNull(name, "name");
    return jdbi.inTransaction(
        handle -> {
          handle.createUpdate(DELETE_VERSIONS).bind("name", SqlValues.text(name)).execute();
          return handle
                  .createUpdate(DELETE_CONFIGURATION)
                  .bind("name", SqlValues.text(name))
                  .execute()
              > 0;
        });
  }

  private static int latestVersion(Handle handle, String name) {
    return handle
        .createQuery(SELECT_LATEST_VERSION)
        .bind("name", SqlValues.text(name))
        .mapTo(Integer.class)
        .findOne()
        .orElse(0);
  }

  private static Update bindSettings(Update update, ConfigSettings settings) {
    Duration heartbeat = settings.heartbeatInterval();
    update.bind(
        "heartbeat_interval", SqlValues.text(heartbeat == null ? null : heartbeat.toString()));
    bindDestination(update, "own_metrics", settings.ownMetrics());
    bindDestination(update, "own_logs", settings.ownLogs());
    bindDestination(update, "own_traces", settings.ownTraces());
    return update;
  }

  private static void bindDestination(
      Update update, String prefix, @Nullable TelemetryDestination destination) {
    update
        .bind(
            prefix + "_endpoint",
            SqlValues.text(destination == null ? null : destination.endpoint()))
        .bind(
            prefix + "_headers",
            SqlValues.text(
                destination == null ? null : JsonColumns.writeMap(destination.headers())));
  }

  private static Configuration readConfiguration(ResultSet row) throws SQLException {
    ConfigVersion latest = readVersion(row);
    ConfigSettings settings =
        new ConfigSettings(
            duration(row, latest.name()),
            destination(row, "own_metrics", latest.name()),
            destination(row, "own_logs", latest.name()),
            destination(row, "own_traces", latest.name()));
    return new Configuration(latest, SqlValues.instant(row, "configuration_created_at"), settings);
  }

  private static ConfigVersion readVersion(ResultSet row) throws SQLException {
    String name = SqlValues.string(row, "name");
    Map<String, String> files;
    try {
      files = JsonColumns.readMap(SqlValues.string(row, "files"));
    } catch (IllegalArgumentException e) {
      throw corrupt("config_versions.files", name, e);
    }
    return new ConfigVersion(
        name,
        row.getInt("version"),
        SqlValues.string(row, "selector"),
        row.getInt("priority"),
        files,
        SqlValues.string(row, "hash"),
        SqlValues.instant(row, "created_at"),
        SqlValues.string(row, "author"),
        SqlValues.string(row, "note"));
  }

  private static @Nullable Duration duration(ResultSet row, String name) throws SQLException {
    String text = row.getString("heartbeat_interval");
    if (text == null) {
      return null;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw corrupt("configurations.heartbeat_interval", name, e);
    }
  }

  private static @Nullable TelemetryDestination destination(
      ResultSet row, String prefix, String name) throws SQLException {
    String endpoint = row.getString(prefix + "_endpoint");
    if (endpoint == null) {
      return null;
    }
    String headers = row.getString(prefix + "_headers");
    try {
      return new TelemetryDestination(
          endpoint, headers == null ? Map.of() : JsonColumns.readMap(headers));
    } catch (IllegalArgumentException e) {
      throw corrupt("configurations." + prefix + "_headers", name, e);
    }
  }

  private static IllegalStateException corrupt(String column, String name, Exception cause) {
    return new IllegalStateException(
        column + " of configuration " + name + " cannot be read: " + cause.getMessage(), cause);
  }
}
