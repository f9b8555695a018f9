/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** Reads and writes durations the way people type them on a command line: 500ms, 30s, 2m, 1h. */
final class Durations {
  private Durations() {}

  /**
   * Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, a plain number of seconds, or an ISO
   * 8601 duration such as {@code PT2M}.
   *
   * @throws IllegalArgumentException if the text is none of these, or negative
   */
  static Duration parse(String text) {
    requireNonNull(text, "text");
    String s = text.trim().toLowerCase(Locale.ROOT);
    Duration result;
    try {
      if (s.startsWith("pt") || s.startsWith("p")) {
        result = Duration.parse(s.toUpperCase(Locale.ROOT));
      } else if (s.endsWith("ms")) {
        result = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      } else if (s.endsWith("s")) {
        result = ofSeconds(s.substring(0, s.length() - 1));
      } else if (s.endsWith("m")) {
        result = ofSeconds(s.substring(0, s.length() - 1)).multipliedBy(60);
      } else if (s.endsWith("h")) {
        result = ofSeconds(s.substring(0, s.length() - 1)).multipliedBy(3600);
      } else {
        result = ofSeconds(s);
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "duration: \"" + text + "\" (expected: e.g. 500ms, 30s, 2m, 1h or PT2M)", e);
    }
    if (result.isNegative()) {
      throw new IllegalArgumentException("duration: " + text + " (expected: >= 0)");
    }
    return result;
  }

  /** Formats a duration compactly: {@code 850ms}, {@code 12.5s}, {@code 3m05s}. */
  static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1_000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long seconds = millis / 1000;
    return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
  }

  private static Duration ofSeconds(String number) {
    String n = number.trim();
    if (n.contains(".")) {
      return Duration.ofNanos(Math.round(Double.parseDouble(n) * 1e9));
    }
    return Duration.ofSeconds(Long.parseLong(n));
  }

  /** Picocli converter for duration options. */
  static final class Converter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
