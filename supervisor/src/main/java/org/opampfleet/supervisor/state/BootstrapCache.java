/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.state;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.supervisor.config.Yaml;

/**
 * What bootstrap learned about a collector binary (ours, {@code bootstrap_cache.yaml}): its feature
 * gates, agent description and available components, keyed by a fingerprint of the binary and its
 * arguments. With a matching fingerprint the supervisor skips the bootstrap run and reports
 * upstream at once; the collector's own reports refresh the cache on every start.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 *
 * @param fingerprint the executable's path, size, modification time and arguments, hashed
 * @param featureGates the gates the collector's {@code featuregate} subcommand listed
 * @param description the description the collector reported (before overrides)
 * @param components the components it reported, or null if it reported none
 */
public record BootstrapCache(
    String fingerprint,
    List<String> featureGates,
    AgentDescription description,
    @Nullable AvailableComponents components) {

  /** The file name in the storage directory. */
  public static final String FILE = "bootstrap_cache.yaml";

  /** Writes the YAML form (protobuf parts in base64). */
  public String toYaml() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("fingerprint", fingerprint);
    out.put("feature_gates", new ArrayList<>(featureGates));
    out.put("agent_description", Base64.getEncoder().encodeToString(description.toByteArray()));
    if (components != null) {
      out.put("available_components", Base64.getEncoder().encodeToString(components.toByteArray()));
    }
    return Yaml.dump(out);
  }

  /**
   * Reads the YAML form.
   *
   * @throws IllegalArgumentException if it is damaged
   */
  public static BootstrapCache fromYaml(String text) {
    Map<String, Object> tree = Yaml.parseMap(text, FILE);
    try {
      List<String> gates = new ArrayList<>();
      if (tree.get("feature_gates") instanceof List<?> list) {
        list.forEach(g -> gates.add(String.valueOf(g)));
      }
      AgentDescription description =
          AgentDescription.parseFrom(
              Base64.getDecoder().decode(String.valueOf(tree.get("agent_description"))));
      AvailableComponents components =
          tree.get("available_components") == null
              ? null
              : AvailableComponents.parseFrom(
                  Base64.getDecoder().decode(String.valueOf(tree.get("available_components"))));
      return new BootstrapCache(
          String.valueOf(tree.get("fingerprint")), List.copyOf(gates), description, components);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new IllegalArgumentException(FILE + " is damaged: " + e.getMessage(), e);
    }
  }
}
