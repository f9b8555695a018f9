/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.link;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.supervisor.config.Yaml;

/**
 * Reads the output of the collector's {@code components} command into OpAMP {@code
 * AvailableComponents}, the shape {@code opampextension} reports: per kind ({@code receivers},
 * {@code processors}, {@code exporters}, {@code extensions}, {@code connectors}), per type, the Go
 * module in {@code code.namespace}; the hash is SHA-256 over the sorted list. Used when the
 * collector does not report its components itself.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
public final class ComponentLists {
  private static final List<String> KINDS =
      List.of("receivers", "processors", "exporters", "connectors", "extensions");

  private ComponentLists() {}

  /** Parses the YAML output; empty if it has no component lists. */
  public static Optional<AvailableComponents> fromComponentsCommand(String yaml) {
    Map<String, Object> tree;
    try {
      tree = Yaml.parseMap(yaml, "components output");
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    AvailableComponents.Builder out = AvailableComponents.newBuilder();
    StringBuilder text = new StringBuilder();
    boolean any = false;
    for (String kind : KINDS) {
      if (!(tree.get(kind) instanceof List<?> items)) {
        continue;
      }
      Map<String, String> modules = new TreeMap<>();
      for (Object item : items) {
        if (item instanceof Map<?, ?> m && m.get("name") != null) {
          modules.put(
              String.valueOf(m.get("name")),
              m.get("module") == null ? "" : String.valueOf(m.get("module")));
        }
      }
      ComponentDetails.Builder details = ComponentDetails.newBuilder();
      modules.forEach(
          (type, module) -> {
            details.putSubComponentMap(
                type,
                ComponentDetails.newBuilder()
                    .addMetadata(
                        KeyValue.newBuilder()
                            .setKey("code.namespace")
                            .setValue(AnyValue.newBuilder().setStringValue(module)))
                    .build());
            text.append(kind).append(':').append(type).append(':').append(module).append('\n');
          });
      out.putComponents(kind, details.build());
      any = true;
    }
    if (!any) {
      return Optional.empty();
    }
    try {
      out.setHash(
          ByteString.copyFrom(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.toString().getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    return Optional.of(out.build());
  }
}
