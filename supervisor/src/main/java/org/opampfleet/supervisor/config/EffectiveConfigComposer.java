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
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Composes the collector's configuration ({@code effective.yaml}) in the Go supervisor's order
 * (compat reference 3.1): the nop pipeline when remote config is accepted but none is there, then
 * {@code agent.config_files} with the placeholders completed ({@code $OWN_TELEMETRY_CONFIG} first,
 * then the user's files, {@code $OPAMP_EXTENSION_CONFIG}, {@code $REMOTE_CONFIG}), merged with
 * {@link ConfigMerge}, the resource block normalised, and written with sorted keys.
 *
 * <p>User files are read at every composition; a missing, unreadable or invalid one is reported as
 * a warning and skipped, as upstream does. A remote config entry that is not valid YAML aborts the
 * composition.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 */
public final class EffectiveConfigComposer {
  private static final String OWN = "$OWN_TELEMETRY_CONFIG";
  private static final String EXTENSION = "$OPAMP_EXTENSION_CONFIG";
  private static final String REMOTE = "$REMOTE_CONFIG";

  private final Function<String, @Nullable String> env;
  private final Consumer<String> warnings;

  /**
   * Creates a composer.
   *
   * @param env environment for {@code env:} entries of {@code agent.config_files}
   * @param warnings receives one line per skipped user file
   */
  public EffectiveConfigComposer(
      Function<String, @Nullable String> env, Consumer<String> warnings) {
    this.env = env;
    this.warnings = warnings;
  }

  /**
   * What goes into a composition.
   *
   * @param configFiles {@code agent.config_files}, placeholders included or not
   * @param acceptsRemoteConfig {@code capabilities.accepts_remote_config}
   * @param remoteConfig the current remote config map, or null if none was received
   * @param nopPipelineNeeded whether the collector needs a pipeline to run (it lacks the {@code
   *     service.AllowNoPipelines} gate)
   * @param extensionSnippet {@link ConfigSnippets#opampExtension}
   * @param ownTelemetrySnippet {@link ConfigSnippets#ownTelemetry}
   * @param extraTelemetrySnippet {@link ConfigSnippets#extraTelemetry}
   * @param instanceUid the instance UID, set as {@code service.instance.id} after the remote config
   */
  public record Inputs(
      List<String> configFiles,
      boolean acceptsRemoteConfig,
      @Nullable AgentConfigMap remoteConfig,
      boolean nopPipelineNeeded,
      Map<String, Object> extensionSnippet,
      Map<String, Object> ownTelemetrySnippet,
      Map<String, Object> extraTelemetrySnippet,
      InstanceUid instanceUid) {

    /** Returns whether a remote config exists but its map is empty ("run nothing", 5.5). */
    public boolean remoteConfigIsEmpty() {
      return remoteConfig != null && remoteConfig.getConfigMapCount() == 0;
    }
  }

  /**
   * Composes the configuration.
   *
   * @throws CompositionException if a remote config entry is not valid YAML
   */
  public String compose(Inputs in) throws CompositionException {
    Map<String, Object> out = new LinkedHashMap<>();
    boolean noRemoteMap = in.remoteConfig() == null || in.remoteConfig().getConfigMapCount() == 0;
    if (in.acceptsRemoteConfig() && noRemoteMap && in.nopPipelineNeeded()) {
      ConfigMerge.merge(out, ConfigSnippets.nopPipeline());
    }
    for (String entry : withPlaceholders(in.configFiles())) {
      switch (entry) {
        case OWN -> {
          ConfigMerge.merge(out, in.ownTelemetrySnippet());
          ConfigMerge.merge(out, in.extraTelemetrySnippet());
        }
        case EXTENSION -> ConfigMerge.merge(out, in.extensionSnippet());
        case REMOTE -> {
          if (in.acceptsRemoteConfig() && !noRemoteMap) {
            mergeRemote(out, in.remoteConfig(), in.instanceUid());
          }
        }
        default -> {
          Map<String, Object> file = readUserFile(entry);
          if (file != null) {
            ConfigMerge.merge(out, file);
          }
        }
      }
    }
    ConfigMerge.normalizeResource(out);
    return Yaml.dump(out);
  }

  /**
   * Composes the start-up fallback configuration: the fallback files in order, then the extension,
   * own-telemetry and extra-telemetry snippets.
   */
  public String composeFallback(
      List<Path> files,
      Map<String, Object> extensionSnippet,
      Map<String, Object> ownTelemetrySnippet,
      Map<String, Object> extraTelemetrySnippet) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Path file : files) {
      Map<String, Object> tree = readUserFile(file.toString());
      if (tree != null) {
        ConfigMerge.merge(out, tree);
      }
    }
    ConfigMerge.merge(out, extensionSnippet);
    ConfigMerge.merge(out, ownTelemetrySnippet);
    ConfigMerge.merge(out, extraTelemetrySnippet);
    ConfigMerge.normalizeResource(out);
    return Yaml.dump(out);
  }

  /** Composes the bootstrap configuration: the nop pipeline (if needed) and the extension. */
  public static String composeBootstrap(
      boolean nopPipelineNeeded, Map<String, Object> extensionSnippet) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (nopPipelineNeeded) {
      ConfigMerge.merge(out, ConfigSnippets.nopPipeline());
    }
    ConfigMerge.merge(out, extensionSnippet);
    ConfigMerge.normalizeResource(out);
    return Yaml.dump(out);
  }

  /**
   * Completes the placeholder list: {@code $OWN_TELEMETRY_CONFIG} first if absent, then {@code
   * $OPAMP_EXTENSION_CONFIG} and {@code $REMOTE_CONFIG} appended if absent.
   */
  static List<String> withPlaceholders(List<String> configFiles) {
    List<String> out = new ArrayList<>(configFiles);
    if (!out.contains(OWN)) {
      out.add(0, OWN);
    }
    if (!out.contains(EXTENSION)) {
      out.add(EXTENSION);
    }
    if (!out.contains(REMOTE)) {
      out.add(REMOTE);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void mergeRemote(Map<String, Object> out, AgentConfigMap remote, InstanceUid uid)
      throws CompositionException {
    // Sorted by name, with the "" (instance) entry last.
    TreeMap<String, AgentConfigFile> sorted = new TreeMap<>(remote.getConfigMapMap());
    List<String> names = new ArrayList<>(sorted.keySet());
    if (names.remove("")) {
      names.add("");
    }
    for (String name : names) {
      String body = sorted.get(name).getBody().toString(StandardCharsets.UTF_8);
      Map<String, Object> tree;
      try {
        tree =
            Yaml.parseMap(
                body, name.isEmpty() ? "remote config" : "remote config \"" + name + "\"");
      } catch (IllegalArgumentException e) {
        throw new CompositionException("cannot parse the remote config: " + e.getMessage(), e);
      }
      if (setsResourceAttributes(tree)) {
        Map<String, Object> service = (Map<String, Object>) tree.get("service");
        Map<String, Object> telemetry = (Map<String, Object>) service.get("telemetry");
        Map<String, Object> resource = (Map<String, Object>) telemetry.get("resource");
        Map<String, Object> marked = new LinkedHashMap<>();
        marked.put(ConfigMerge.CLEAR_RESOURCE_ATTRIBUTES, true);
        marked.putAll(resource);
        telemetry.put("resource", marked);
      }
      ConfigMerge.merge(out, tree);
    }
    ConfigMerge.merge(out, ConfigSnippets.instanceIdResource(uid));
  }

  private static boolean setsResourceAttributes(Map<String, Object> tree) {
    return tree.get("service") instanceof Map<?, ?> service
        && service.get("telemetry") instanceof Map<?, ?> telemetry
        && telemetry.get("resource") instanceof Map<?, ?> resource
        && resource.containsKey("attributes");
  }

  private @Nullable Map<String, Object> readUserFile(String entry) {
    String text;
    String name = entry;
    try {
      if (entry.startsWith("env:")) {
        name = entry.substring(4);
        text = env.apply(name);
        if (text == null) {
          warnings.accept(
              "agent::config_files: environment variable " + name + " is not set; skipped");
          return null;
        }
      } else {
        Path path = Path.of(entry.startsWith("file:") ? entry.substring(5) : entry);
        name = path.toString();
        text = Files.readString(path, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      warnings.accept("agent::config_files: cannot read " + name + " (" + e + "); skipped");
      return null;
    }
    try {
      return Yaml.parseMap(text, name);
    } catch (IllegalArgumentException e) {
      warnings.accept("agent::config_files: " + e.getMessage() + "; skipped");
      return null;
    }
  }
}
