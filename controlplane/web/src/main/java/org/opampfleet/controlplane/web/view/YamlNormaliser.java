/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Internal; not API; may change without notice. Re-emits YAML in a canonical form (sorted keys,
 * two-space block style, no comments) so a desired-versus-effective diff shows changes, not key
 * order or formatting (UI guide 4.3, "Normalise").
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class YamlNormaliser {
  private YamlNormaliser() {}

  /** Returns the canonical form, or the text unchanged when it is not YAML. */
  public static String normalise(String text) {
    try {
      Object document =
          new Load(LoadSettings.builder().setMaxAliasesForCollections(50).build())
              .loadFromString(text);
      if (document == null) {
        return text;
      }
      DumpSettings settings =
          DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2).build();
      return new Dump(settings).dumpToString(sorted(document));
    } catch (YamlEngineException | ClassCastException e) {
      return text;
    }
  }

  /** Normalises every file. */
  public static Map<String, String> normaliseFiles(Map<String, String> files) {
    Map<String, String> out = new LinkedHashMap<>();
    files.forEach((k, v) -> out.put(k, normalise(v)));
    return out;
  }

  private static Object sorted(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : sorted(v)));
      return out;
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(v == null ? null : sorted(v)));
      return out;
    }
    return node;
  }
}
