/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the collector's {@code --config} values into one configuration tree, as the collector's
 * {@code confmap} resolver does: each value is a file path, a {@code file:} URI, an {@code env:}
 * URI or a {@code yaml:} snippet; the documents are merged in order (maps deep, everything else
 * replaced), then {@code ${env:VAR}} and {@code ${VAR}} references in string values are expanded
 * ({@code $$} escapes a dollar sign).
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class ConfigSources {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\$|\\$\\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private ConfigSources() {}

  /**
   * Reads, merges and expands the sources.
   *
   * @throws InvalidConfigException if there is no source, one cannot be read or is not YAML
   */
  static Map<String, Object> resolve(List<String> sources, Function<String, @Nullable String> env) {
    if (sources.isEmpty()) {
      throw new InvalidConfigException(
          "at least one config flag must be provided (expected: --config <file>)");
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    for (String source : sources) {
      Yaml.merge(merged, read(source, env));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> expanded = (Map<String, Object>) expand(merged, env);
    return expanded;
  }

  private static Map<String, Object> read(String source, Function<String, @Nullable String> env) {
    if (source.startsWith("env:")) {
      String name = source.substring(4);
      String text = env.apply(name);
      return Yaml.loadMap(text == null ? "" : text, source);
    }
    if (source.startsWith("yaml:")) {
      return inlineYaml(source.substring(5));
    }
    String file = source.startsWith("file:") ? source.substring(5) : source;
    try {
      return Yaml.loadMap(Files.readString(Path.of(file), StandardCharsets.UTF_8), file);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException(
          "cannot resolve the configuration: cannot retrieve the configuration: unable to read the"
              + " file "
              + file
              + ": open "
              + file
              + ": no such file or directory");
    } catch (IOException e) {
      throw new InvalidConfigException(
          "cannot resolve the configuration: cannot retrieve the configuration: unable to read the"
              + " file "
              + file
              + ": "
              + e.getMessage());
    }
  }

  /** {@code yaml:a::b: value} sets one nested key. */
  private static Map<String, Object> inlineYaml(String text) {
    int colon = text.indexOf(": ");
    if (colon < 0) {
      return Yaml.loadMap(text, "yaml:" + text);
    }
    String[] path = text.substring(0, colon).split("::");
    Map<String, Object> leaf = Yaml.loadMap("v: " + text.substring(colon + 2), "yaml:" + text);
    Object value = leaf.get("v");
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> current = root;
    for (int i = 0; i < path.length - 1; i++) {
      Map<String, Object> next = new LinkedHashMap<>();
      current.put(path[i], next);
      current = next;
    }
    current.put(path[path.length - 1], value);
    return root;
  }

  private static @Nullable Object expand(
      @Nullable Object value, Function<String, @Nullable String> env) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), expand(v, env)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(expand(item, env));
      }
      return out;
    }
    if (value instanceof String text && text.indexOf('$') >= 0) {
      Matcher m = REFERENCE.matcher(text);
      if (m.matches() && m.group(1) != null) {
        // A value that is one reference takes the referenced text's YAML type, as in confmap.
        String resolved = lookup(m, env);
        return typedScalar(resolved);
      }
      StringBuilder out = new StringBuilder();
      m.reset();
      while (m.find()) {
        String replacement = m.group().equals("$$") ? "$" : lookup(m, env);
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      return out.toString();
    }
    return value;
  }

  private static Object typedScalar(String text) {
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    if (text.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(text);
    }
    return text;
  }

  private static String lookup(Matcher m, Function<String, @Nullable String> env) {
    String value = env.apply(m.group(1));
    if (value == null) {
      return m.group(2) != null ? m.group(2) : "";
    }
    return value;
  }
}
