/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's duration syntax ({@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 1.5h}), which the Go
 * supervisor's configuration uses.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /**
   * Parses Go duration text; {@code 0} alone is zero.
   *
   * @throws IllegalArgumentException if the text is not a Go duration
   */
  public static Duration parse(String text) {
    String body = text.trim();
    boolean negative = false;
    if (body.startsWith("-") || body.startsWith("+")) {
      negative = body.startsWith("-");
      body = body.substring(1);
    }
    if (body.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(body);
    long nanos = 0;
    int end = 0;
    while (end < body.length() && m.find(end) && m.start() == end) {
      String number = m.group(1);
      if (number.isEmpty() || number.equals(".")) {
        throw invalid(text);
      }
      double amount = Double.parseDouble(number);
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos = Math.addExact(nanos, Math.round(amount * unit));
      end = m.end();
    }
    if (end == 0 || end != body.length()) {
      throw invalid(text);
    }
    return Duration.ofNanos(negative ? -nanos : nanos);
  }

  /** Formats a duration the way Go prints it, e.g. {@code 5s}, {@code 1m30s}, {@code 250ms}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    long nanos = duration.toNanos();
    StringBuilder out = new StringBuilder();
    if (nanos < 0) {
      out.append('-');
      nanos = -nanos;
    }
    if (nanos < 1_000_000_000L) {
      if (nanos % 1_000_000L == 0) {
        return out.append(nanos / 1_000_000L).append("ms").toString();
      }
      if (nanos % 1_000L == 0) {
        return out.append(nanos / 1_000L).append("µs").toString();
      }
      return out.append(nanos).append("ns").toString();
    }
    long hours = nanos / 3_600_000_000_000L;
    long minutes = nanos / 60_000_000_000L % 60;
    long secondsNanos = nanos % 60_000_000_000L;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    long seconds = secondsNanos / 1_000_000_000L;
    long fraction = secondsNanos % 1_000_000_000L;
    out.append(seconds);
    if (fraction != 0) {
      String digits = String.format(java.util.Locale.ROOT, "%09d", fraction).replaceAll("0+$", "");
      out.append('.').append(digits);
    }
    return out.append('s').toString();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "time: invalid duration \""
            + text
            + "\" (expected: a Go duration such as 250ms, 5s, 1m30s)");
  }
}
