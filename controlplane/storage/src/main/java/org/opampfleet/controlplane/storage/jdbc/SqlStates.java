/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Classifies database errors by their SQLSTATE, which H2 and PostgreSQL share for the cases here.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class SqlStates {
  /** A unique or primary key constraint was violated. */
  static final String UNIQUE_VIOLATION = "23505";

  /** The transaction could not be serialized; H2 also reports deadlocks this way. */
  static final String SERIALIZATION_FAILURE = "40001";

  /** PostgreSQL found a deadlock and chose this transaction as the victim. */
  static final String DEADLOCK_DETECTED = "40P01";

  private static final int MAX_NEXT_EXCEPTIONS = 100;

  private SqlStates() {}

  /** Returns whether the error, or one it wraps, is a unique or primary key violation. */
  static boolean isUniqueViolation(Throwable error) {
    return hasState(error, Set.of(UNIQUE_VIOLATION));
  }

  /**
   * Returns whether running the same transaction again may succeed: a concurrent writer inserted
   * the same key first (standard MERGE does not wait for that, unlike an upsert), or the database
   * broke a deadlock or serialization conflict.
   */
  static boolean isWorthRetrying(Throwable error) {
    return hasState(error, Set.of(UNIQUE_VIOLATION, SERIALIZATION_FAILURE, DEADLOCK_DETECTED));
  }

  private static boolean hasState(Throwable error, Set<String> states) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLException sql) {
        // A batch reports each failed entry in the chain of next exceptions.
        int entries = 0;
        for (SQLException next = sql;
            next != null && entries < MAX_NEXT_EXCEPTIONS;
            next = next.getNextException(), entries++) {
          String state = next.getSQLState();
          if (state != null && states.contains(state)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
