/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Failures the fake collector produces on request, for failure tests. Each can be asked for with an
 * environment variable (the supervisor's {@code agent.env}) or with a key of the fake-only {@code
 * fault} extension (listed in {@code service.extensions}, e.g. from a remote config):
 *
 * <table>
 *   <caption>Faults</caption>
 *   <tr><th>Extension key</th><th>Environment variable</th><th>Effect</th></tr>
 *   <tr><td>{@code fail_start}</td><td>{@code FAKE_OTELCOL_FAIL_START}</td>
 *       <td>log the text as a fatal error and exit 1 before starting anything</td></tr>
 *   <tr><td>{@code start_delay}</td><td>{@code FAKE_OTELCOL_START_DELAY}</td>
 *       <td>stay "starting" (unhealthy) this long before becoming ready</td></tr>
 *   <tr><td>{@code crash_after}</td><td>{@code FAKE_OTELCOL_CRASH_AFTER}</td>
 *       <td>exit abruptly this long after start, with {@code exit_code}</td></tr>
 *   <tr><td>{@code exit_code}</td><td>{@code FAKE_OTELCOL_EXIT_CODE}</td>
 *       <td>exit code of a crash (default 2)</td></tr>
 *   <tr><td>{@code unhealthy}</td><td>{@code FAKE_OTELCOL_UNHEALTHY}</td>
 *       <td>never become healthy (report a recoverable error)</td></tr>
 *   <tr><td>{@code unhealthy_after}</td><td>{@code FAKE_OTELCOL_UNHEALTHY_AFTER}</td>
 *       <td>turn unhealthy this long after becoming ready</td></tr>
 *   <tr><td>{@code hang_on_shutdown}</td><td>{@code FAKE_OTELCOL_HANG_ON_SHUTDOWN}</td>
 *       <td>ignore SIGTERM and SIGINT (only SIGKILL ends it)</td></tr>
 * </table>
 *
 * <p>{@code FAKE_OTELCOL_WITHOUT_OPAMP=true} imitates a collector built without the {@code opamp}
 * extension. Configuration keys win over environment variables.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 *
 * @param failStart the start failure message, or null
 * @param startDelay time before ready
 * @param crashAfter time before the crash, or null for none
 * @param exitCode the crash's exit code
 * @param unhealthy never healthy
 * @param unhealthyAfter time after ready before turning unhealthy, or null
 * @param hangOnShutdown ignore shutdown signals
 */
record Faults(
    @Nullable String failStart,
    Duration startDelay,
    @Nullable Duration crashAfter,
    int exitCode,
    boolean unhealthy,
    @Nullable Duration unhealthyAfter,
    boolean hangOnShutdown) {

  private static final Set<String> KEYS =
      Set.of(
          "fail_start",
          "start_delay",
          "crash_after",
          "exit_code",
          "unhealthy",
          "unhealthy_after",
          "hang_on_shutdown");
  private static final Pattern GO_DURATION =
      Pattern.compile("([0-9]+(?:\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)");

  /** Combines the {@code fault} extension's settings (may be null) with the environment. */
  static Faults from(
      @Nullable Map<String, Object> extension, Function<String, @Nullable String> env) {
    Map<String, Object> settings = new LinkedHashMap<>();
    for (String key : KEYS) {
      String value = env.apply("FAKE_OTELCOL_" + key.toUpperCase(java.util.Locale.ROOT));
      if (value != null && !value.isEmpty()) {
        settings.put(key, value);
      }
    }
    if (extension != null) {
      settings.putAll(extension);
    }
    check(settings, "fault");
    return new Faults(
        settings.get("fail_start") == null ? null : String.valueOf(settings.get("fail_start")),
        settings.get("start_delay") == null
            ? Duration.ZERO
            : duration(settings.get("start_delay"), "start_delay"),
        settings.get("crash_after") == null
            ? null
            : duration(settings.get("crash_after"), "crash_after"),
        settings.get("exit_code") == null
            ? 2
            : Integer.parseInt(String.valueOf(settings.get("exit_code"))),
        Boolean.parseBoolean(String.valueOf(settings.get("unhealthy"))),
        settings.get("unhealthy_after") == null
            ? null
            : duration(settings.get("unhealthy_after"), "unhealthy_after"),
        Boolean.parseBoolean(String.valueOf(settings.get("hang_on_shutdown"))));
  }

  /** Checks the {@code fault} extension's keys; returns them. */
  static Map<String, Object> check(Map<String, Object> settings, String path) {
    List<String> unknown = new ArrayList<>();
    for (String key : settings.keySet()) {
      if (!KEYS.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidConfigException(
          "cannot unmarshal the configuration: decoding failed due to the following error(s):\n\n'"
              + path
              + "' has invalid keys: "
              + String.join(", ", unknown));
    }
    for (String key : List.of("start_delay", "crash_after", "unhealthy_after")) {
      if (settings.get(key) != null) {
        duration(settings.get(key), path + "::" + key);
      }
    }
    return settings;
  }

  /** Parses a Go duration such as {@code 1m30s} or {@code 250ms}. */
  static Duration duration(@Nullable Object value, String path) {
    String text = String.valueOf(value);
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = GO_DURATION.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      double amount = Double.parseDouble(m.group(1));
      double nanos =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      total = total.plusNanos((long) (amount * nanos));
      end = m.end();
    }
    if (end != text.length() || end == 0) {
      throw new InvalidConfigException(
          "cannot unmarshal the configuration: decoding failed due to the following error(s):\n\n'"
              + path
              + "' time: invalid duration \""
              + text
              + "\"");
    }
    return total;
  }
}
