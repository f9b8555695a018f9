/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.AgentStore;
import org.opampfleet.controlplane.auth.TokenStore;
import org.opampfleet.controlplane.config.ConfigStore;

/**
 * Opens the control plane's database, brings its schema up to date and hands out its stores.
 *
 * <p>Two kinds of database are supported. {@link #h2(Path)} opens an embedded H2 database in a data
 * directory: the default, for a single control-plane process. {@link #postgresql(String, String,
 * String)} connects to PostgreSQL 15 or newer, for several replicas sharing one database. Either
 * way the connections are pooled (HikariCP, a fixed pool sized like the {@code storage} bulkhead
 * that calls the stores), and Flyway applies the migrations in {@code db/migration/common} and the
 * database's own folder before the stores are handed out.
 *
 * <pre>{@code
 * try (Database database = Database.h2(Path.of("/var/lib/opampfleet"))) {
 *   Inventory inventory = new Inventory(database.agents(), events, clock);
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> thread-safe, and so are the stores. Store methods block on JDBC: call
 * them from the {@code storage} bulkhead, never from an event loop.
 *
 * <p><b>Lifecycle:</b> a factory method returns an open database; {@link #close()} closes it and is
 * idempotent. Close it after the last store call, the write-behind flush included. An H2 database
 * is shut down on close, which writes everything to its file and releases the data directory.
 *
 * <p><b>Errors:</b> the factory methods throw {@link IllegalStateException} when the database
 * cannot be opened or migrated, with a message that names the database and never contains the
 * password, and {@link IllegalArgumentException} for invalid arguments.
 */
public final class Database implements AutoCloseable {

  /** The pool size used when none is given: the default size of the {@code storage} bulkhead. */
  public static final int DEFAULT_MAX_CONNECTIONS = 4;

  /** The name of the H2 database in a data directory: its file is {@code opampfleet.mv.db}. */
  static final String H2_FILE_NAME = "opampfleet";

  /**
   * Settings for every H2 database, each in the URL so it holds from the first connection on.
   *
   * <ul>
   *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: no H2 shutdown hook; the control plane closes the
   *       database itself, after its last write-behind flush.
   *   <li>{@code DB_CLOSE_DELAY=-1}: stay open while the pool recycles its connections; {@link
   *       #close()} shuts the database down.
   *   <li>{@code WRITE_DELAY=0}: a committed transaction is in the file when the commit returns
   *       (the default waits up to 500 ms, which a crash would lose). Writes come in batches, so
   *       this costs little.
   *   <li>{@code LOCK_TIMEOUT=10000}: wait up to 10 s for a row another transaction holds (the
   *       default is 1 s, shorter than a large batch may take).
   * </ul>
   *
   * <p>H2 runs in its regular mode, not {@code MODE=PostgreSQL}: the SQL here is standard, and the
   * regular mode keeps H2 strict about it.
   */
  private static final String H2_SETTINGS =
      ";DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0;LOCK_TIMEOUT=10000";

  /** H2's error code for a database file that another process has open. */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private static final Pattern IN_MEMORY_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  private static final int HEALTH_CHECK_TIMEOUT_SECONDS = 2;
  private static final System.Logger LOG = System.getLogger(Database.class.getName());

  private final SqlDialect dialect;
  private final String description;
  private final String jdbcUrl;
  private final HikariDataSource dataSource;
  private final @Nullable DataDirectoryLock lock;
  private final Jdbi jdbi;
  private final JdbcAgentStore agents;
  private final JdbcConfigStore configs;
  private final JdbcTokenStore tokens;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Database(
      SqlDialect dialect,
      String description,
      String jdbcUrl,
      HikariDataSource dataSource,
      @Nullable DataDirectoryLock lock) {
    this.dialect = dialect;
    this.description = description;
    this.jdbcUrl = jdbcUrl;
    this.dataSource = dataSource;
    this.lock = lock;
    this.jdbi = Jdbi.create(dataSource);
    // Exception messages name the statement but never its bound values: those can be secrets,
    // such as API keys in telemetry headers or in an agent's effective configuration.
    jdbi.getConfig(StatementExceptions.class)
        .setMessageRendering(StatementExceptions.MessageRendering.SHORT_STATEMENT);
    this.agents = new JdbcAgentStore(jdbi);
    this.configs = new JdbcConfigStore(jdbi);
    this.tokens = new JdbcTokenStore(jdbi);
  }

  /**
   * Opens (creating it if needed) the embedded H2 database in a data directory, with {@value
   * #DEFAULT_MAX_CONNECTIONS} connections.
   *
   * @param dataDir the data directory; created if missing. The database is the file {@code
   *     opampfleet.mv.db} in it, next to {@code opampfleet.lock}.
   * @throws IllegalStateException if another process (or another open {@code Database} in this one)
   *     uses the data directory, or the database cannot be opened or migrated
   */
  public static Database h2(Path dataDir) {
    return h2(dataDir, DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * Opens (creating it if needed) the embedded H2 database in a data directory.
   *
   * @param dataDir the data directory; created if missing
   * @param maxConnections the pool size: the size of the {@code storage} bulkhead
   * @throws IllegalStateException if another process (or another open {@code Database} in this one)
   *     uses the data directory, or the database cannot be opened or migrated
   */
  public static Database h2(Path dataDir, int maxConnections) {
    requireNonNull(dataDir, "dataDir");
    checkMaxConnections(maxConnections);
    Path dir = dataDir.toAbsolutePath().normalize();
    if (dir.toString().contains(";")) {
      throw new IllegalArgumentException(
          "dataDir: " + dir + " (expected: a path without ';', which H2 reads as a separator)");
    }
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(
          "dataDir: " + dir + " (expected: a directory, but it is a file)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the data directory " + dir + ": " + e.getMessage(), e);
    }
    DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
    try {
      String url = "jdbc:h2:file:" + dir.resolve(H2_FILE_NAME) + H2_SETTINGS;
      return open(
          SqlDialect.H2, "the H2 database in " + dir, url, "sa", "", maxConnections, lock, dir);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Opens a new in-memory H2 database, for tests and trying things out: it is gone when closed. Two
   * databases open with the same name in one JVM share their data.
   *
   * @param name 1 to 64 letters, digits, {@code _} or {@code -}
   */
  public static Database h2InMemory(String name) {
    requireNonNull(name, "name");
    if (!IN_MEMORY_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: \"" + name + "\" (expected: 1 to 64 letters, digits, '_' or '-')");
    }
    String url = "jdbc:h2:mem:" + name + H2_SETTINGS;
    return open(
        SqlDialect.H2,
        "the in-memory H2 database " + name,
        url,
        "sa",
        "",
        DEFAULT_MAX_CONNECTIONS,
        null,
        null);
  }

  /**
   * Connects to a PostgreSQL database (15 or newer), with {@value #DEFAULT_MAX_CONNECTIONS}
   * connections.
   *
   * @param jdbcUrl e.g. {@code jdbc:postgresql://db.example.com:5432/opampfleet}; add {@code
   *     ?currentSchema=name} to keep the tables in their own schema (created if missing)
   * @param user a user that may create tables in that schema
   * @param password its password; never part of an error message
   * @throws IllegalStateException if the database cannot be reached or migrated
   */
  public static Database postgresql(String jdbcUrl, String user, String password) {
    return postgresql(jdbcUrl, user, password, DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * Connects to a PostgreSQL database (15 or newer).
   *
   * @param jdbcUrl e.g. {@code jdbc:postgresql://db.example.com:5432/opampfleet}
   * @param user a user that may create tables in the schema
   * @param password its password; never part of an error message
   * @param maxConnections the pool size: the size of the {@code storage} bulkhead
   * @throws IllegalStateException if the database cannot be reached or migrated
   */
  public static Database postgresql(
      String jdbcUrl, String user, String password, int maxConnections) {
    requireNonNull(jdbcUrl, "jdbcUrl");
    requireNonNull(user, "user");
    requireNonNull(password, "password");
    checkMaxConnections(maxConnections);
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "jdbcUrl: "
              + redact(jdbcUrl, password)
              + " (expected: jdbc:postgresql://host:port/database)");
    }
    return open(
        SqlDialect.POSTGRESQL,
        "the PostgreSQL database " + redact(jdbcUrl, password),
        jdbcUrl,
        user,
        password,
        maxConnections,
        null,
        null);
  }

  /** Returns the agent inventory's store. */
  public AgentStore agents() {
    return agents;
  }

  /** Returns the configurations' store. */
  public ConfigStore configs() {
    return configs;
  }

  /** Returns the API tokens' store. */
  public TokenStore tokens() {
    return tokens;
  }

  /**
   * Returns whether the database answers: a connection from the pool passes the driver's validity
   * check within 2 seconds. Cheap enough for a health endpoint; false once closed. Waits up to 5
   * seconds when every connection is busy, and reports false if none frees up.
   */
  public boolean isHealthy() {
    if (closed.get()) {
      return false;
    }
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(HEALTH_CHECK_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Closes the database: closes the pool, then shuts an embedded H2 database down (everything is in
   * its file when this returns) and releases its data directory. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      dataSource.close();
      if (dialect.isEmbedded()) {
        shutDownEmbedded();
      }
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** Returns which database this is, without credentials. */
  @Override
  public String toString() {
    return description;
  }

  /** Returns the dialect, for tests. */
  SqlDialect dialect() {
    return dialect;
  }

  /** Returns the Jdbi instance, for tests. */
  Jdbi jdbi() {
    return jdbi;
  }

  /** Applies pending migrations and returns how many ran; none when the schema is current. */
  int migrate() {
    try {
      return Flyway.configure(Database.class.getClassLoader())
          .dataSource(dataSource)
          .locations(dialect.migrationLocations().toArray(String[]::new))
          .failOnMissingLocations(true)
          .load()
          .migrate()
          .migrationsExecuted;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot bring the schema of " + description + " up to date: " + e.getMessage(), e);
    }
  }

  private static Database open(
      SqlDialect dialect,
      String description,
      String jdbcUrl,
      String user,
      String password,
      int maxConnections,
      @Nullable DataDirectoryLock lock,
      @Nullable Path dataDir) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("opampfleet-storage");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    // A fixed pool, as HikariCP recommends: as many connections as storage threads.
    config.setMaximumPoolSize(maxConnections);
    config.setMinimumIdle(maxConnections);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    if (dialect == SqlDialect.POSTGRESQL) {
      config.addDataSourceProperty("ApplicationName", "opampfleet-controlplane");
      // Timeline batches become multi-row INSERTs.
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      // Keeps bound values (agent configs may hold secrets) out of the driver's error messages.
      config.addDataSourceProperty("logServerErrorDetail", "false");
    }
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      if (dataDir != null && hasErrorCode(e, H2_DATABASE_ALREADY_OPEN)) {
        throw DataDirectoryLock.inUse(dataDir, "");
      }
      throw openFailure(description, password, e);
    }
    Database database = new Database(dialect, description, jdbcUrl, dataSource, lock);
    try {
      int applied = database.migrate();
      if (applied > 0) {
        LOG.log(Level.INFO, "applied {0} schema migrations to {1}", applied, description);
      }
      return database;
    } catch (RuntimeException e) {
      // Also shuts an embedded database down: DB_CLOSE_DELAY=-1 would keep it open otherwise.
      database.close();
      throw e;
    }
  }

  private static IllegalStateException openFailure(
      String description, String password, RuntimeException error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        "cannot open " + description + ": " + redact(String.valueOf(root.getMessage()), password);
    // The chain is attached only if no message in it could carry the password.
    return mentionsSecret(error, password)
        ? new IllegalStateException(message)
        : new IllegalStateException(message, error);
  }

  private static boolean mentionsSecret(Throwable error, String password) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      String message = t.getMessage();
      if (message != null
          && ((!password.isEmpty() && message.contains(password))
              || URL_PASSWORD.matcher(message).find())) {
        return true;
      }
    }
    return false;
  }

  private static String redact(String text, String password) {
    String redacted = URL_PASSWORD.matcher(text).replaceAll("$1***");
    return password.isEmpty() ? redacted : redacted.replace(password, "***");
  }

  private static boolean hasErrorCode(Throwable error, int code) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == code) {
        return true;
      }
    }
    return false;
  }

  private static void checkMaxConnections(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
  }

  private void shutDownEmbedded() {
    // DB_CLOSE_DELAY=-1 kept the database open after the pool closed; a connection of its own
    // shuts it down, as a pooled one would fail when the pool resets it after SHUTDOWN.
    try (Connection connection = DriverManager.getConnection(jdbcUrl, "sa", "");
        Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    } catch (SQLException e) {
      // Committed work is in the file already (WRITE_DELAY=0); H2 recovers the rest on open.
      LOG.log(Level.WARNING, "could not shut down " + description + " cleanly: " + e.getMessage());
    }
  }
}
