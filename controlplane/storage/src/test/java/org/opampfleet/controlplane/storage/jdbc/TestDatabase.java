/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.util.List;

/** A database that one test class keeps open for all its tests and empties before each. */
interface TestDatabase {

  /** The tables, children first, so deleting in this order never trips a foreign key. */
  List<String> TABLES =
      List.of("config_versions", "configurations", "agent_events", "agents", "api_tokens");

  /** Returns the open database. */
  Database database();

  /** Deletes every row and returns the database: what a contract's {@code store()} needs. */
  default Database emptyDatabase() {
    Database database = database();
    database
        .jdbi()
        .useTransaction(
            handle -> {
              for (String table : TABLES) {
                handle.execute("DELETE FROM " + table);
              }
            });
    return database;
  }
}
