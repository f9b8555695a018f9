/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The merge rules of the Go supervisor's config composition (compat reference 3.2), which users
 * rely on because they show in the effective config:
 *
 * <ul>
 *   <li>maps merge recursively; for the same key the later source wins; scalars are replaced;
 *   <li>lists are replaced whole, except {@code service::extensions}, which is concatenated
 *       (earlier first) without duplicates, and {@code service::telemetry::resource::attributes} (a
 *       list of {@code {name, value}}), merged by name: a later entry replaces an earlier one in
 *       place, others are appended;
 *   <li>the {@link #CLEAR_RESOURCE_ATTRIBUTES} marker under {@code service::telemetry::resource}
 *       empties the accumulated resource block, except {@code schema_url} and {@code detectors},
 *       before the rest of that source is merged; it never reaches the output.
 * </ul>
 *
 * <p><b>Thread safety:</b> stateless; thread-safe. The merge mutates only its target.
 */
public final class ConfigMerge {
  /** The internal marker key, as the Go supervisor spells it. */
  public static final String CLEAR_RESOURCE_ATTRIBUTES =
      "__opampsupervisor_clear_resource_attributes__";

  private static final String EXTENSIONS_PATH = "service::extensions";
  private static final String RESOURCE_PATH = "service::telemetry::resource";
  private static final String ATTRIBUTES_PATH = RESOURCE_PATH + "::attributes";

  private ConfigMerge() {}

  /** Merges {@code overlay} into {@code target} (which it changes), following the rules above. */
  public static void merge(Map<String, Object> target, Map<String, ?> overlay) {
    merge(target, overlay, "");
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> target, Map<String, ?> overlay, String path) {
    if (path.equals(RESOURCE_PATH) && overlay.containsKey(CLEAR_RESOURCE_ATTRIBUTES)) {
      target.keySet().removeIf(key -> !key.equals("schema_url") && !key.equals("detectors"));
    }
    for (Map.Entry<String, ?> entry : overlay.entrySet()) {
      String key = entry.getKey();
      if (key.equals(CLEAR_RESOURCE_ATTRIBUTES) && path.equals(RESOURCE_PATH)) {
        continue;
      }
      String childPath = path.isEmpty() ? key : path + "::" + key;
      Object value = copyOf(entry.getValue());
      Object existing = target.get(key);
      if (existing instanceof Map<?, ?> left && value instanceof Map<?, ?> right) {
        merge((Map<String, Object>) left, (Map<String, Object>) right, childPath);
      } else if (existing instanceof List<?> left && value instanceof List<?> right) {
        if (childPath.equals(EXTENSIONS_PATH)) {
          Set<Object> union = new LinkedHashSet<>(left);
          union.addAll(right);
          target.put(key, new ArrayList<>(union));
        } else if (childPath.equals(ATTRIBUTES_PATH)) {
          target.put(key, mergeByName(left, right));
        } else {
          target.put(key, value);
        }
      } else if (value instanceof Map<?, ?> map) {
        // Rebuilt through merge so that markers deeper down are applied and dropped.
        Map<String, Object> fresh = new LinkedHashMap<>();
        merge(fresh, (Map<String, Object>) map, childPath);
        target.put(key, fresh);
      } else {
        target.put(key, value);
      }
    }
  }

  private static List<Object> mergeByName(List<?> left, List<?> right) {
    List<Object> out = new ArrayList<>(left);
    for (Object item : right) {
      Object name = item instanceof Map<?, ?> m ? m.get("name") : null;
      int at = -1;
      if (name != null) {
        for (int i = 0; i < out.size(); i++) {
          if (out.get(i) instanceof Map<?, ?> m && Objects.equals(m.get("name"), name)) {
            at = i;
            break;
          }
        }
      }
      if (at >= 0) {
        out.set(at, item);
      } else {
        out.add(item);
      }
    }
    return out;
  }

  /**
   * Normalises {@code service::telemetry::resource}: when it has both the list form ({@code
   * attributes: [{name, value}]}) and flat {@code key: value} entries, the flat ones are folded
   * into the list (same name: the value is replaced in place; new names are appended in sorted
   * order) and removed.
   */
  @SuppressWarnings("unchecked")
  public static void normalizeResource(Map<String, Object> config) {
    if (!(config.get("service") instanceof Map<?, ?> service)
        || !(service.get("telemetry") instanceof Map<?, ?> telemetry)
        || !(telemetry.get("resource") instanceof Map<?, ?> resourceRaw)) {
      return;
    }
    Map<String, Object> resource = (Map<String, Object>) resourceRaw;
    resource.remove(CLEAR_RESOURCE_ATTRIBUTES);
    if (!(resource.get("attributes") instanceof List<?> list)) {
      return;
    }
    Map<String, Object> flat = new TreeMap<>();
    for (Map.Entry<String, Object> e : resource.entrySet()) {
      String k = e.getKey();
      if (!k.equals("attributes") && !k.equals("schema_url") && !k.equals("detectors")) {
        flat.put(k, e.getValue());
      }
    }
    if (flat.isEmpty()) {
      return;
    }
    List<Object> items = new ArrayList<>();
    flat.forEach(
        (name, value) -> {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("name", name);
          item.put("value", value);
          items.add(item);
        });
    resource.put("attributes", mergeByName(list, items));
    resource.keySet().removeAll(flat.keySet());
  }

  private static @Nullable Object copyOf(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), copyOf(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(copyOf(item));
      }
      return out;
    }
    return value;
  }
}
