/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A strict reader over one map of the supervisor's YAML: every read names the key it takes, and
 * {@link #finish()} rejects any key nobody read, as the Go supervisor's decoder does. Errors name
 * the full path with {@code ::} separators, e.g. {@code agent::bootstrap_timeout}.
 *
 * <p><b>Thread safety:</b> not thread-safe; used while loading only.
 */
final class ConfigSection {
  private final String path;
  private final Map<String, Object> values;
  private final Set<String> known = new LinkedHashSet<>();

  private ConfigSection(String path, Map<String, Object> values) {
    this.path = path;
    this.values = values;
  }

  static ConfigSection root(Map<String, Object> values) {
    return new ConfigSection("", values);
  }

  /** Returns the same values under another path, for sections read from list items. */
  ConfigSection renamed(String newPath) {
    return new ConfigSection(newPath, values);
  }

  /** Returns whether the section has no keys at all. */
  boolean isEmptySection() {
    return values.isEmpty();
  }

  /** Returns the keys present, in document order. */
  Set<String> keys() {
    return new LinkedHashSet<>(values.keySet());
  }

  /** Returns the path of a key in this section, e.g. {@code agent::executable}. */
  String pathOf(String key) {
    return path.isEmpty() ? key : path + "::" + key;
  }

  boolean has(String key) {
    known.add(key);
    return values.get(key) != null;
  }

  /** Returns the sub-section at {@code key}; an absent or null key is an empty section. */
  @SuppressWarnings("unchecked")
  ConfigSection section(String key) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return new ConfigSection(pathOf(key), Collections.emptyMap());
    }
    if (!(value instanceof Map<?, ?>)) {
      throw new ConfigException(
          pathOf(key) + ": " + describe(value) + " (expected: a map of keys)");
    }
    return new ConfigSection(pathOf(key), (Map<String, Object>) value);
  }

  /** Returns the raw value at {@code key}, or null. */
  @Nullable Object raw(String key) {
    known.add(key);
    return values.get(key);
  }

  String string(String key, String defaultValue) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      throw new ConfigException(pathOf(key) + ": " + describe(value) + " (expected: a string)");
    }
    return String.valueOf(value);
  }

  boolean bool(String key, boolean defaultValue) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(pathOf(key) + ": " + describe(value) + " (expected: true or false)");
  }

  int integer(String key, int defaultValue, int min, int max) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    long number;
    if (value instanceof Number n && !(value instanceof Double) && !(value instanceof Float)) {
      number = n.longValue();
    } else if (value instanceof String s && s.matches("-?[0-9]{1,10}")) {
      number = Long.parseLong(s);
    } else {
      throw new ConfigException(pathOf(key) + ": " + describe(value) + " (expected: an integer)");
    }
    if (number < min || number > max) {
      throw new ConfigException(
          pathOf(key) + ": " + number + " (expected: " + min + " to " + max + ")");
    }
    return (int) number;
  }

  /**
   * Reads a Go duration ({@code 5s}). A bare integer is refused unless it is 0: the Go decoder
   * would take it as nanoseconds, which is never what a person means.
   */
  Duration duration(String key, Duration defaultValue) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Number n && n.longValue() == 0) {
      return Duration.ZERO;
    }
    if (!(value instanceof String text)) {
      throw new ConfigException(
          pathOf(key)
              + ": "
              + describe(value)
              + " (expected: a duration with a unit, e.g. 250ms, 5s, 1m30s)");
    }
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(pathOf(key) + ": " + e.getMessage());
    }
  }

  List<String> stringList(String key) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new ConfigException(pathOf(key) + ": " + describe(value) + " (expected: a list)");
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
        throw new ConfigException(
            pathOf(key) + "[" + i + "]: " + describe(item) + " (expected: a string)");
      }
      out.add(String.valueOf(item));
    }
    return List.copyOf(out);
  }

  /** Reads a list of maps (e.g. metric readers); each item is returned raw. */
  List<Map<String, Object>> mapList(String key) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new ConfigException(pathOf(key) + ": " + describe(value) + " (expected: a list)");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> item)) {
        throw new ConfigException(
            pathOf(key) + "[" + i + "]: " + describe(list.get(i)) + " (expected: a map)");
      }
      out.add(Yaml.copy(stringKeyed(item)));
    }
    return out;
  }

  Map<String, String> stringMap(String key) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigException(pathOf(key) + ": " + describe(value) + " (expected: a map)");
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw new ConfigException(
                pathOf(key) + "::" + k + ": " + describe(v) + " (expected: a string)");
          }
          out.put(String.valueOf(k), v == null ? "" : String.valueOf(v));
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * Reads {@code map<str, list<str>>}, also taking a single string for a header, as written in the
   * wild ({@code Authorization: "Bearer …"}).
   */
  Map<String, List<String>> stringListMap(String key) {
    known.add(key);
    Object value = values.get(key);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigException(pathOf(key) + ": " + describe(value) + " (expected: a map)");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          if (v instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
              items.add(String.valueOf(item));
            }
            out.put(String.valueOf(k), List.copyOf(items));
          } else if (v instanceof Map<?, ?>) {
            throw new ConfigException(
                pathOf(key) + "::" + k + ": a map (expected: a string or a list of strings)");
          } else {
            out.put(String.valueOf(k), List.of(v == null ? "" : String.valueOf(v)));
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * Rejects every key of this section that no read asked for.
   *
   * @throws ConfigException naming the first unknown key and the known ones
   */
  void finish() {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw new ConfigException(
            pathOf(key)
                + ": unknown key (expected one of: "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  private static Map<String, Object> stringKeyed(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static String describe(@Nullable Object value) {
    if (value instanceof String s) {
      return "\"" + s + "\"";
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      return "a " + Yaml.kind(value);
    }
    return String.valueOf(value);
  }
}
