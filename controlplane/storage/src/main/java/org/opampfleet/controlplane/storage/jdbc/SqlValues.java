/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jdbi.v3.core.argument.Argument;
import org.jspecify.annotations.Nullable;

/**
 * Binds and reads column values the same way on H2 and PostgreSQL.
 *
 * <p>Instants are bound as {@link OffsetDateTime} in UTC and truncated to the microsecond, the
 * precision of {@code TIMESTAMP WITH TIME ZONE} on both databases (left to themselves, both would
 * round instead). Text is bound with U+0000 and unpaired surrogates replaced by U+FFFD: PostgreSQL
 * cannot store the first and its driver garbles the second, and an agent-reported string that made
 * every write fail would block the whole write-behind queue.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class SqlValues {
  private static final char REPLACEMENT = '\uFFFD';

  private SqlValues() {}

  /** Returns a UUID argument. */
  static Argument uuid(UUID value) {
    return (position, statement, context) -> statement.setObject(position, value);
  }

  /** Returns a {@code TIMESTAMP WITH TIME ZONE} argument, truncated to the microsecond. */
  static Argument timestamp(@Nullable Instant value) {
    if (value == null) {
      return (position, statement, context) ->
          statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
    }
    OffsetDateTime utc = OffsetDateTime.ofInstant(truncate(value), ZoneOffset.UTC);
    return (position, statement, context) -> statement.setObject(position, utc);
  }

  /** Returns a binary argument. */
  static Argument bytes(byte @Nullable [] value) {
    if (value == null) {
      return (position, statement, context) -> statement.setNull(position, Types.VARBINARY);
    }
    return (position, statement, context) -> statement.setBytes(position, value);
  }

  /** Returns a text argument, cleaned of what PostgreSQL cannot store (see the class comment). */
  static Argument text(@Nullable String value) {
    if (value == null) {
      return (position, statement, context) -> statement.setNull(position, Types.VARCHAR);
    }
    String clean = storable(value);
    return (position, statement, context) -> statement.setString(position, clean);
  }

  /** Returns an integer argument. */
  static Argument integer(@Nullable Integer value) {
    if (value == null) {
      return (position, statement, context) -> statement.setNull(position, Types.INTEGER);
    }
    int primitive = value;
    return (position, statement, context) -> statement.setInt(position, primitive);
  }

  /** Truncates an instant to the microsecond, the precision the databases keep. */
  static Instant truncate(Instant value) {
    return value.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Returns the smallest microsecond instant that is not before {@code value}. Stored instants are
   * whole microseconds, so {@code stored < value} holds exactly when {@code stored < ceil(value)}.
   */
  static Instant ceil(Instant value) {
    Instant truncated = truncate(value);
    return truncated.equals(value) ? value : truncated.plus(1, ChronoUnit.MICROS);
  }

  /** Reads a non-null {@code TIMESTAMP WITH TIME ZONE} column. */
  static Instant instant(ResultSet row, String column) throws SQLException {
    Instant value = nullableInstant(row, column);
    if (value == null) {
      throw new IllegalStateException("column " + column + " is null (expected: a timestamp)");
    }
    return value;
  }

  /** Reads a nullable {@code TIMESTAMP WITH TIME ZONE} column. */
  static @Nullable Instant nullableInstant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /** Reads a nullable integer column. */
  static @Nullable Integer nullableInteger(ResultSet row, String column) throws SQLException {
    int value = row.getInt(column);
    return row.wasNull() ? null : value;
  }

  /** Reads a non-null UUID column. */
  static UUID uuid(ResultSet row, String column) throws SQLException {
    UUID value = row.getObject(column, UUID.class);
    if (value == null) {
      throw new IllegalStateException("column " + column + " is null (expected: a UUID)");
    }
    return value;
  }

  /** Reads a non-null text column. */
  static String string(ResultSet row, String column) throws SQLException {
    String value = row.getString(column);
    if (value == null) {
      throw new IllegalStateException("column " + column + " is null (expected: text)");
    }
    return value;
  }

  /** Reads an enum constant stored as its name. */
  static <E extends Enum<E>> E enumValue(Class<E> type, String column, String name) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "column "
              + column
              + " holds \""
              + name
              + "\" (expected: a "
              + type.getSimpleName()
              + " constant); was the database written by a newer version?",
          e);
    }
  }

  /** Returns the text with U+0000 and unpaired surrogates replaced by U+FFFD. */
  static String storable(String value) {
    char[] chars = null;
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      boolean bad;
      if (c == '\u0000') {
        bad = true;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        bad = true;
      } else {
        bad = Character.isLowSurrogate(c);
      }
      if (bad) {
        if (chars == null) {
          chars = value.toCharArray();
        }
        chars[i] = REPLACEMENT;
      }
    }
    return chars == null ? value : new String(chars);
  }
}
