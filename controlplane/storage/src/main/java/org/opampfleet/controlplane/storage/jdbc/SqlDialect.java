/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.util.List;

/**
 * What differs between the two databases the stores run on.
 *
 * <p>Most SQL is shared: both run standard {@code MERGE}, {@code FETCH FIRST}, identity columns and
 * the same data types, and report the same SQLSTATEs. What is left is which Flyway folders hold the
 * dialect's migrations and how a database is closed.
 *
 * <p><b>Thread safety:</b> immutable.
 */
enum SqlDialect {
  /**
   * Embedded H2 2.x. It has no migrations of its own yet; when it needs one, add {@code
   * db/migration/h2} here.
   */
  H2("H2", List.of("classpath:db/migration/common")),

  /** PostgreSQL 15 or newer (the first with {@code MERGE}). */
  POSTGRESQL(
      "PostgreSQL", List.of("classpath:db/migration/common", "classpath:db/migration/postgresql"));

  private final String displayName;
  private final List<String> migrationLocations;

  SqlDialect(String displayName, List<String> migrationLocations) {
    this.displayName = displayName;
    this.migrationLocations = migrationLocations;
  }

  /** Returns the product name, for messages. */
  String displayName() {
    return displayName;
  }

  /** Returns the Flyway locations to migrate from: the shared folder, then the dialect's. */
  List<String> migrationLocations() {
    return migrationLocations;
  }

  /**
   * Returns whether the database must be shut down explicitly when the last {@link Database} is
   * closed: an embedded H2 database writes its last changes and releases its file then.
   */
  boolean isEmbedded() {
    return this == H2;
  }
}
