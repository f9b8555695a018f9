/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * YAML reading and writing with the YAML 1.2 core schema, as the collector's YAML library resolves
 * scalars.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class Yaml {
  private Yaml() {}

  /**
   * Parses one YAML document into maps (string keys, insertion order), lists and scalars; an empty
   * document is an empty map.
   *
   * @throws InvalidConfigException if the text is not YAML or its top level is not a map
   */
  static Map<String, Object> loadMap(String text, String source) {
    Object value;
    try {
      value =
          new Load(LoadSettings.builder().setSchema(new CoreSchema()).setLabel(source).build())
              .loadFromString(text);
    } catch (YamlEngineException e) {
      throw new InvalidConfigException(
          "cannot unmarshal the configuration: " + source + ": " + e.getMessage());
    }
    if (value == null) {
      return new LinkedHashMap<>();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new InvalidConfigException(
          "cannot unmarshal the configuration: " + source + ": the top level is not a map");
    }
    return stringKeys(map);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
    return out;
  }

  private static @Nullable Object normalize(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      return stringKeys(map);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(normalize(item));
      }
      return out;
    }
    return value;
  }

  /** Writes a tree as block-style YAML with map keys sorted. */
  static String dump(Map<String, Object> tree) {
    return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
        .dumpToString(sorted(tree));
  }

  private static @Nullable Object sorted(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(sorted(item));
      }
      return out;
    }
    return value;
  }

  /**
   * Merges {@code overlay} into {@code base} like the collector's confmap: maps deep, rest
   * replaced.
   */
  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> base, Map<String, Object> overlay) {
    overlay.forEach(
        (key, value) -> {
          Object existing = base.get(key);
          if (existing instanceof Map<?, ?> left && value instanceof Map<?, ?> right) {
            merge((Map<String, Object>) left, (Map<String, Object>) right);
          } else {
            base.put(key, value);
          }
        });
  }

  /** Returns the map at {@code key}, an empty map for null, or throws naming the path. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> section(Map<String, Object> parent, String key, String path) {
    Object value = parent.get(key);
    if (value == null) {
      return new LinkedHashMap<>();
    }
    if (value instanceof Map<?, ?>) {
      return (Map<String, Object>) value;
    }
    throw new InvalidConfigException(
        "'" + path + "' expected a map, got '" + typeName(value) + "'");
  }

  static String typeName(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof List<?>) {
      return "slice";
    }
    if (value instanceof Map<?, ?>) {
      return "map";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Number) {
      return "int";
    }
    return "string";
  }
}
