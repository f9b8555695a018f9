/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads the {@code Retry-After} HTTP header: either a number of seconds or an HTTP-date (RFC 9110,
 * section 10.2.3), as OpAMP servers may send with 429 and 503 (ER-06, ER-07).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
public final class RetryAfter {

  private RetryAfter() {}

  /**
   * Returns the delay a {@code Retry-After} value asks for, relative to {@code now}: empty when the
   * value is neither a non-negative number of seconds nor an HTTP-date; zero for a date in the
   * past.
   */
  public static Optional<Duration> parse(String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    if (trimmed.isEmpty()) {
      return Optional.empty();
    }
    if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(trimmed)));
      } catch (NumberFormatException e) {
        // More digits than a long holds: as good as forever; the caller caps it.
        return Optional.of(Backoff.MAX_SERVER_DELAY);
      }
    }
    try {
      Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration delay = Duration.between(now, at);
      return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
