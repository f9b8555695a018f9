/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The control plane's configuration, read from (in increasing precedence) defaults, a YAML file,
 * environment variables and command-line flags. Every key is listed in {@link Setting#ALL}.
 *
 * <p>In the YAML file the keys sit under {@code opampfleet:}, nested by their dots, for example
 * {@code opampfleet: {opamp: {port: 4320}}}. An unknown key or a value of the wrong kind stops
 * start-up with a message naming the key and where the value came from.
 *
 * <p><b>Thread safety:</b> immutable.
 */
final class ControlPlaneConfig {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final Map<String, String> values;
  private final Map<String, String> sources;

  private ControlPlaneConfig(Map<String, String> values, Map<String, String> sources) {
    this.values = Map.copyOf(values);
    this.sources = Map.copyOf(sources);
  }

  /**
   * Reads the configuration.
   *
   * @param file a YAML file, or null for none
   * @param environment the process environment
   * @param flags values given on the command line, by key
   * @throws ConfigException naming the first wrong key or value
   */
  static ControlPlaneConfig load(
      @Nullable Path file, Map<String, String> environment, Map<String, String> flags)
      throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (Setting setting : Setting.ALL) {
      if (setting.defaultValue() != null) {
        values.put(setting.key(), setting.defaultValue());
        sources.put(setting.key(), "the default");
      }
    }
    if (file != null) {
      readYaml(file, values, sources);
    }
    for (Setting setting : Setting.ALL) {
      String value = environment.get(setting.environmentVariable());
      if (value != null) {
        values.put(setting.key(), value);
        sources.put(setting.key(), "environment variable " + setting.environmentVariable());
      }
    }
    flags.forEach(
        (key, value) -> {
          values.put(key, value);
          sources.put(key, "the --" + key.replace('.', '-') + " flag");
        });
    ControlPlaneConfig config = new ControlPlaneConfig(values, sources);
    config.validate();
    return config;
  }

  private static void readYaml(Path file, Map<String, String> values, Map<String, String> sources)
      throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file " + file + " does not exist or is not a file");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(
          "configuration file "
              + file
              + " is not valid YAML: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "configuration file " + file + " must be a YAML mapping with the key 'opampfleet'");
    }
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("opampfleet")) {
        throw new ConfigException(
            "unknown top-level key '" + name + "' in " + file + " (expected: opampfleet)");
      }
    }
    flatten("", root.get("opampfleet"), file, values, sources);
  }

  private static void flatten(
      String prefix,
      JsonNode node,
      Path file,
      Map<String, String> values,
      Map<String, String> sources)
      throws ConfigException {
    if (node == null || node.isNull()) {
      return;
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        flatten(
            prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            field.getValue(),
            file,
            values,
            sources);
      }
      return;
    }
    Setting setting = Setting.find(prefix);
    if (setting == null) {
      throw new ConfigException(
          "unknown key 'opampfleet." + prefix + "' in " + file + suggestion(prefix));
    }
    if (!node.isValueNode()) {
      throw new ConfigException(
          "opampfleet." + prefix + " in " + file + " must be a single value, not a list");
    }
    values.put(prefix, node.asText());
    sources.put(prefix, file.toString());
  }

  private static String suggestion(String key) {
    Setting best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting setting : Setting.ALL) {
      int d = distance(key, setting.key());
      if (d < bestDistance) {
        bestDistance = d;
        best = setting;
      }
    }
    return best != null && bestDistance <= 3
        ? " (did you mean 'opampfleet." + best.key() + "'?)"
        : " (see --help for every key)";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private void validate() throws ConfigException {
    for (Map.Entry<String, String> entry : values.entrySet()) {
      Setting setting = Setting.find(entry.getKey());
      if (setting == null) {
        throw new ConfigException(
            "unknown key '" + entry.getKey() + "' from " + sources.get(entry.getKey()));
      }
      String v = entry.getValue().trim();
      switch (setting.type()) {
        case INT -> {
          long n = parseLong(setting, v);
          if (setting.key().endsWith(".port") && (n < 0 || n > 65_535)) {
            throw wrong(setting, v, "a port from 0 to 65535");
          }
          if (n < 0) {
            throw wrong(setting, v, "a whole number of 0 or more");
          }
        }
        case DECIMAL -> {
          try {
            if (!(Double.parseDouble(v) > 0)) {
              throw wrong(setting, v, "a number above 0");
            }
          } catch (NumberFormatException e) {
            throw wrong(setting, v, "a number");
          }
        }
        case BOOLEAN -> {
          if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw wrong(setting, v, "true or false");
          }
        }
        case DURATION -> parseDuration(setting, v);
        case STRING, PATH, SECRET -> {
          if (v.isEmpty()) {
            throw wrong(setting, "", "a non-empty value");
          }
        }
      }
    }
    String clientAuth = string("opamp.tls.client-auth");
    if (!clientAuth.equals("require") && !clientAuth.equals("optional")) {
      throw wrong(Setting.find("opamp.tls.client-auth"), clientAuth, "require or optional");
    }
    boolean hasCert = has("opamp.tls.certificate");
    if (hasCert != has("opamp.tls.private-key")) {
      throw new ConfigException(
          "opamp.tls.certificate and opamp.tls.private-key must be set together");
    }
    if (has("opamp.tls.client-ca") && !hasCert) {
      throw new ConfigException(
          "opamp.tls.client-ca needs opamp.tls.certificate and opamp.tls.private-key (mTLS runs over TLS)");
    }
    if (has("database.url") && !string("database.url").startsWith("jdbc:postgresql:")) {
      throw wrong(Setting.find("database.url"), string("database.url"), "a jdbc:postgresql:// URL");
    }
  }

  private ConfigException wrong(@Nullable Setting setting, String value, String expected) {
    String key = setting == null ? "?" : setting.key();
    String shown =
        setting != null && setting.type() == Setting.Type.SECRET ? "(hidden)" : "'" + value + "'";
    return new ConfigException(
        key
            + ": "
            + shown
            + " from "
            + sources.get(key)
            + " is not valid (expected: "
            + expected
            + ")");
  }

  private long parseLong(Setting setting, String v) throws ConfigException {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw wrong(setting, v, "a whole number");
    }
  }

  private Duration parseDuration(Setting setting, String v) throws ConfigException {
    Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw wrong(setting, v, "a duration such as 500ms, 30s, 5m or PT30S");
    }
  }

  /** Returns whether a key has a value. */
  boolean has(String key) {
    return values.containsKey(key);
  }

  /** Returns a key's text value. */
  String string(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalStateException(key + " has no value");
    }
    return value.trim();
  }

  /** Returns a key's text value, or null. */
  @Nullable String optional(String key) {
    String value = values.get(key);
    return value == null ? null : value.trim();
  }

  int integer(String key) {
    return Integer.parseInt(string(key));
  }

  double decimal(String key) {
    return Double.parseDouble(string(key));
  }

  boolean bool(String key) {
    return Boolean.parseBoolean(string(key));
  }

  Path path(String key) {
    return Path.of(string(key));
  }

  Duration duration(String key) {
    try {
      return parseDuration(Setting.find(key), string(key));
    } catch (ConfigException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Returns where a key's value came from, for logs. */
  String source(String key) {
    return sources.getOrDefault(key, "nowhere");
  }
}
