/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.status.FleetView;

/**
 * What a selector would match (UI guide 4.1): the count, how many are connected, a few samples,
 * where each key resolved, and which other configurations also match those agents and who wins.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class SelectorPreviews {
  private SelectorPreviews() {}

  /**
   * Another configuration whose selector also matches some of the agents.
   *
   * @param name its name
   * @param priority its priority
   * @param count how many of the matched agents it matches too
   */
  record Overlap(String name, int priority, int count) {}

  /**
   * A preview.
   *
   * @param selector the selector as written
   * @param total agents in the inventory
   * @param preview the core's preview
   * @param overlaps other configurations matching the same agents, most overlap first
   */
  record Preview(
      String selector, int total, FleetView.SelectorPreview preview, List<Overlap> overlaps) {
    boolean matchesAll() {
      return selector.isBlank();
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("selector", selector);
      json.put("matchesAll", matchesAll());
      json.put("count", preview.matching());
      json.put("connected", preview.connected());
      json.put("total", total);
      List<Map<String, Object>> samples = new ArrayList<>();
      for (Agent a : preview.samples()) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("instanceUid", a.instanceUid().toString());
        sample.put("displayName", a.displayName());
        sample.put("connected", a.connection().connected());
        samples.add(sample);
      }
      json.put("samples", samples);
      json.put("resolution", preview.resolution());
      List<Map<String, Object>> overlapJson = new ArrayList<>();
      for (Overlap o : overlaps) {
        overlapJson.add(Map.of("name", o.name(), "priority", o.priority(), "count", o.count()));
      }
      json.put("overlaps", overlapJson);
      return json;
    }
  }

  /**
   * Previews a selector.
   *
   * @param exclude the configuration being edited, left out of the overlaps; null for none
   */
  static Preview preview(
      WebServices services, Selector selector, int samples, @Nullable String exclude) {
    FleetView.SelectorPreview preview = services.fleetView().preview(selector, samples);
    Map<String, Integer> overlapCounts = new LinkedHashMap<>();
    List<ConfigService.Entry> others = new ArrayList<>();
    for (ConfigService.Entry e : services.configs().catalog()) {
      if (!e.configuration().name().equals(exclude)) {
        others.add(e);
      }
    }
    int total = 0;
    for (Agent agent : services.inventory().all()) {
      total++;
      if (others.isEmpty() || !selector.matches(agent::attribute)) {
        continue;
      }
      for (ConfigService.Entry e : others) {
        if (e.selector().matches(agent::attribute)) {
          overlapCounts.merge(e.configuration().name(), 1, Integer::sum);
        }
      }
    }
    List<Overlap> overlaps = new ArrayList<>();
    for (ConfigService.Entry e : others) {
      Integer n = overlapCounts.get(e.configuration().name());
      if (n != null) {
        overlaps.add(new Overlap(e.configuration().name(), e.latest().priority(), n));
      }
    }
    overlaps.sort((a, b) -> Integer.compare(b.count(), a.count()));
    return new Preview(selector.toString(), total, preview, List.copyOf(overlaps));
  }
}
