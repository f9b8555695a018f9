/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Expands references in the string values of the supervisor's YAML, as the collector's config
 * resolver does with its {@code env} and {@code file} providers: {@code ${VAR}} and {@code
 * ${env:VAR}} (environment, empty with a warning when unset; {@code ${env:VAR:-default}} gives a
 * default), {@code ${file:path}} (the file's content) and {@code $$} (a literal {@code $}). A value
 * that is exactly one reference takes the YAML type of what it expands to, so {@code ${env:ON}} can
 * be a boolean.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 */
final class VariableExpansion {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\$|\\$\\{(?:(env|file):)?([^}:]+?)(?::-([^}]*))?}");

  private final Function<String, @Nullable String> env;
  private final Consumer<String> warnings;

  VariableExpansion(Function<String, @Nullable String> env, Consumer<String> warnings) {
    this.env = env;
    this.warnings = warnings;
  }

  /** Returns a copy of the tree with every string value expanded. */
  @SuppressWarnings("unchecked")
  Map<String, Object> expand(Map<String, Object> tree) {
    return (Map<String, Object>) expand(tree, "");
  }

  private @Nullable Object expand(@Nullable Object value, String path) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach(
          (k, v) ->
              out.put(String.valueOf(k), expand(v, path.isEmpty() ? "" + k : path + "::" + k)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(expand(list.get(i), path + "[" + i + "]"));
      }
      return out;
    }
    if (value instanceof String text && text.indexOf('$') >= 0) {
      return expandText(text, path);
    }
    return value;
  }

  private Object expandText(String text, String path) {
    Matcher m = REFERENCE.matcher(text);
    if (m.matches() && !m.group().equals("$$")) {
      return typed(resolve(m, path));
    }
    m.reset();
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = m.group().equals("$$") ? "$" : resolve(m, path);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String resolve(Matcher m, String path) {
    String scheme = m.group(1);
    String name = m.group(2);
    if ("file".equals(scheme)) {
      try {
        return Files.readString(Path.of(name), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ConfigException(
            path
                + ": cannot read ${file:"
                + name
                + "}: "
                + e.getMessage()
                + " (expected: a readable file)");
      }
    }
    String value = env.apply(name);
    if (value == null) {
      if (m.group(3) != null) {
        return m.group(3);
      }
      warnings.accept(
          path + ": the environment variable " + name + " is not set; using an empty value");
      return "";
    }
    return value;
  }

  private static Object typed(String text) {
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    if (text.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(text);
    }
    return text;
  }
}
