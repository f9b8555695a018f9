/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.AgentCapability;

/**
 * Internal; not API; may change without notice. How numbers, times, durations and hashes are
 * written in the UI (guide 4.9): exact counts with thousands separators, UTC times, relative ages.
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class Format {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Format() {}

  /** Returns {@code 100,312}. */
  public static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Returns {@code 14:02:11} (UTC). */
  public static String time(@Nullable Instant t) {
    return t == null ? "–" : TIME.format(t);
  }

  /** Returns {@code 2026-11-28 14:02:11 UTC}. */
  public static String dateTime(@Nullable Instant t) {
    return t == null ? "–" : DATE_TIME.format(t);
  }

  /** Returns the ISO-8601 form for {@code <time datetime>}. */
  public static String iso(@Nullable Instant t) {
    return t == null ? "" : t.toString();
  }

  /** Returns {@code 2m 40s ago}, {@code 3 d ago}, or {@code just now}. */
  public static String ago(@Nullable Instant t, Instant now) {
    if (t == null) {
      return "never";
    }
    Duration d = Duration.between(t, now);
    if (d.isNegative() || d.getSeconds() < 5) {
      return "just now";
    }
    return duration(d) + " ago";
  }

  /** Returns {@code 40s}, {@code 2m 40s}, {@code 2h 4m}, {@code 3 d}. */
  public static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
    }
    if (s < 86_400) {
      return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : " " + (s % 3600) / 60 + "m");
    }
    return (s / 86_400) + " d";
  }

  /** Returns the first 7 hex digits of a hash, or a dash. */
  public static String shortHash(@Nullable String hash) {
    return hash == null || hash.isEmpty() ? "–" : hash.substring(0, Math.min(7, hash.length()));
  }

  /**
   * Returns the capability's name as the OpAMP specification writes it, e.g. {@code ReportsHealth}.
   */
  public static String capability(AgentCapability capability) {
    StringBuilder out = new StringBuilder();
    for (String part : capability.name().split("_")) {
      out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return out.toString().replace("Opamp", "OpAMP");
  }

  /** Returns {@code 1 agent} or {@code 3 agents}. */
  public static String agents(long n) {
    return number(n) + (n == 1 ? " agent" : " agents");
  }

  /** Returns a percentage of a total with one decimal below 10%. */
  public static String percent(long part, long total) {
    if (total == 0) {
      return "0%";
    }
    double p = 100.0 * part / total;
    return p < 10 && p > 0
        ? String.format(Locale.ROOT, "%.1f%%", p)
        : String.format(Locale.ROOT, "%.0f%%", p);
  }
}
