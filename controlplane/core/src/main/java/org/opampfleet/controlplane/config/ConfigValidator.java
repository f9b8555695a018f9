/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Checks configuration files before they are saved: YAML syntax and duplicate keys (errors, with
 * line and column), and for OpenTelemetry Collector files, pipelines that refer to undefined
 * components and components no pipeline uses (warnings).
 *
 * <p>Files named {@code *.yaml}, {@code *.yml} or with no extension are read as YAML; others are
 * the agent's own format and only checked for size.
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class ConfigValidator {
  /** The largest file accepted. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final List<String> COMPONENT_KINDS =
      List.of("receivers", "processors", "exporters", "connectors", "extensions");

  private ConfigValidator() {}

  /** Returns the problem with a configuration name, if any. */
  public static List<ConfigProblem> checkName(String name) {
    if (NAME.matcher(name).matches()) {
      return List.of();
    }
    return List.of(
        new ConfigProblem(
            ConfigProblem.Severity.ERROR,
            "",
            0,
            0,
            "name \""
                + name
                + "\" is not allowed (expected: 1 to 63 lower-case letters, digits and '-',"
                + " starting and ending with a letter or digit)"));
  }

  /** Returns every problem in the files: errors block saving, warnings do not. */
  public static List<ConfigProblem> check(Map<String, String> files) {
    List<ConfigProblem> problems = new ArrayList<>();
    if (files.isEmpty()) {
      problems.add(error("", 0, 0, "a configuration needs at least one file"));
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      String name = file.getKey();
      String text = file.getValue();
      if (text.length() > MAX_FILE_BYTES) {
        problems.add(error(name, 0, 0, "the file is larger than 1 MiB"));
        continue;
      }
      if (isYaml(name)) {
        checkYaml(name, text, problems);
      }
    }
    return problems;
  }

  /** Returns whether any problem is an error. */
  public static boolean hasErrors(List<ConfigProblem> problems) {
    return problems.stream().anyMatch(p -> p.severity() == ConfigProblem.Severity.ERROR);
  }

  private static boolean isYaml(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    int slash = lower.lastIndexOf('/');
    String base = lower.substring(slash + 1);
    return lower.endsWith(".yaml") || lower.endsWith(".yml") || !base.contains(".");
  }

  private static void checkYaml(String file, String text, List<ConfigProblem> problems) {
    LoadSettings settings =
        LoadSettings.builder()
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(50)
            .setCodePointLimit(MAX_FILE_BYTES)
            .setLabel(file)
            .build();
    Object document;
    try {
      document = new Load(settings).loadFromString(text);
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().orElse(null);
      problems.add(
          error(
              file,
              mark == null ? 0 : mark.getLine() + 1,
              mark == null ? 0 : mark.getColumn() + 1,
              e.getProblem()));
      return;
    } catch (YamlEngineException e) {
      problems.add(error(file, 0, 0, e.getMessage()));
      return;
    }
    if (document == null) {
      problems.add(warning(file, "the file is empty"));
      return;
    }
    if (document instanceof Map<?, ?> root && root.get("service") instanceof Map<?, ?> service) {
      checkCollector(file, root, service, problems);
    }
  }

  private static void checkCollector(
      String file, Map<?, ?> root, Map<?, ?> service, List<ConfigProblem> problems) {
    Set<String> used = new LinkedHashSet<>();
    if (service.get("pipelines") instanceof Map<?, ?> pipelines) {
      for (Map.Entry<?, ?> pipeline : pipelines.entrySet()) {
        if (!(pipeline.getValue() instanceof Map<?, ?> parts)) {
          continue;
        }
        for (String kind : List.of("receivers", "processors", "exporters")) {
          if (parts.get(kind) instanceof List<?> ids) {
            for (Object id : ids) {
              String component = String.valueOf(id);
              used.add(kind + "/" + component);
              boolean defined =
                  isDefined(root, kind, component)
                      || (!kind.equals("processors") && isDefined(root, "connectors", component));
              if (!defined) {
                problems.add(
                    warning(
                        file,
                        "pipeline "
                            + pipeline.getKey()
                            + " uses "
                            + singular(kind)
                            + " \""
                            + component
                            + "\", which is not defined under "
                            + kind));
              }
            }
          }
        }
      }
    }
    if (service.get("extensions") instanceof List<?> extensions) {
      extensions.forEach(id -> used.add("extensions/" + id));
    }
    for (String kind : COMPONENT_KINDS) {
      if (root.get(kind) instanceof Map<?, ?> defined) {
        for (Object id : defined.keySet()) {
          boolean isUsed =
              used.contains(kind + "/" + id)
                  || (kind.equals("connectors")
                      && (used.contains("receivers/" + id) || used.contains("exporters/" + id)));
          if (!isUsed) {
            problems.add(
                warning(
                    file,
                    singular(kind)
                        + " \""
                        + id
                        + "\" is defined but not used by "
                        + (kind.equals("extensions") ? "service.extensions" : "any pipeline")));
          }
        }
      }
    }
  }

  private static boolean isDefined(Map<?, ?> root, String kind, String id) {
    return root.get(kind) instanceof Map<?, ?> defined && defined.containsKey(id);
  }

  private static String singular(String kind) {
    return kind.substring(0, kind.length() - 1);
  }

  private static ConfigProblem error(String file, int line, int column, String message) {
    return new ConfigProblem(ConfigProblem.Severity.ERROR, file, line, column, message);
  }

  private static ConfigProblem warning(String file, String message) {
    return new ConfigProblem(ConfigProblem.Severity.WARNING, file, 0, 0, message);
  }
}
