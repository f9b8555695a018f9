/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

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
 * YAML documents as plain Java trees (maps with string keys in document order, lists, scalars),
 * read with the YAML 1.2 core schema that the collector's YAML library follows, and written in
 * block style with sorted keys, as the Go supervisor writes {@code effective.yaml}.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
public final class Yaml {
  private Yaml() {}

  /**
   * Parses one document whose top level is a map; an empty document is an empty map.
   *
   * @param source names the document in error messages (a file name, a config map entry)
   * @throws IllegalArgumentException if the text is not YAML or its top level is not a map; the
   *     message names the source and the line
   */
  public static Map<String, Object> parseMap(String text, String source) {
    Object value;
    try {
      value =
          new Load(LoadSettings.builder().setSchema(new CoreSchema()).setLabel(source).build())
              .loadFromString(text);
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
    }
    if (value == null) {
      return new LinkedHashMap<>();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          source + ": the top level is a " + kind(value) + " (expected: a map of keys)");
    }
    return stringKeys(map);
  }

  /** Writes a tree as block-style YAML with all map keys sorted; an empty map is {@code {}}. */
  public static String dump(Map<String, ?> tree) {
    if (tree.isEmpty()) {
      return "{}\n";
    }
    return new Dump(
            DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .setWidth(4096)
                .build())
        .dumpToString(sorted(tree));
  }

  /** Returns a deep copy with mutable maps (document order kept) and lists. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> copy(Map<String, ?> tree) {
    return (Map<String, Object>) deepCopy(tree);
  }

  private static @Nullable Object deepCopy(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(deepCopy(item));
      }
      return out;
    }
    return value;
  }

  static String kind(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map<?, ?>) {
      return "map";
    }
    if (value instanceof List<?>) {
      return "list";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Number) {
      return "number";
    }
    return "string";
  }

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
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(normalize(item));
      }
      return out;
    }
    return value;
  }

  private static @Nullable Object sorted(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(sorted(item));
      }
      return out;
    }
    return value;
  }
}
