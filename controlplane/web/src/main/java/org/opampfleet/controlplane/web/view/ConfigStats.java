/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.status.AgentStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.controlplane.status.FleetView;

/**
 * Internal; not API; may change without notice. Per-configuration counts over the agents whose
 * desired configuration it is, computed in one pass over the inventory.
 *
 * <p><b>Thread safety:</b> instances are effectively immutable once {@link #compute} returns.
 */
public final class ConfigStats {
  private int matching;
  private int connected;
  private int pendingOffline;
  private int drifted;
  private int shadowed;
  private final EnumMap<ConfigStatus, Integer> byStatus = new EnumMap<>(ConfigStatus.class);

  private ConfigStats() {
    for (ConfigStatus s : ConfigStatus.values()) {
      byStatus.put(s, 0);
    }
  }

  /** Returns the stats of every configuration by name; configurations without agents are absent. */
  public static Map<String, ConfigStats> compute(
      Iterable<Agent> agents, FleetView view, ConfigService configs) {
    Map<String, ConfigStats> out = new HashMap<>();
    for (Agent agent : agents) {
      AgentView v = view.view(agent);
      AgentStatus s = v.status();
      if (s.desired() != null) {
        ConfigStats stats = out.computeIfAbsent(s.desired().name(), n -> new ConfigStats());
        stats.matching++;
        if (s.connection() != ConnectionStatus.DISCONNECTED) {
          stats.connected++;
        }
        stats.byStatus.merge(s.config(), 1, Integer::sum);
        if (s.config() == ConfigStatus.PENDING && s.connection() == ConnectionStatus.DISCONNECTED) {
          stats.pendingOffline++;
        }
        if (s.drift() == AgentStatus.DriftStatus.DRIFTED) {
          stats.drifted++;
        }
      }
      var matching = configs.matching(agent);
      for (var entry : matching) {
        String name = entry.configuration().name();
        if (s.desired() == null || !s.desired().name().equals(name)) {
          out.computeIfAbsent(name, n -> new ConfigStats()).shadowed++;
        }
      }
    }
    return out;
  }

  /** Returns empty stats, for a configuration no agent runs. */
  public static ConfigStats none() {
    return new ConfigStats();
  }

  /** Returns how many agents should run the configuration. */
  public int matching() {
    return matching;
  }

  /** Returns how many of them are connected (or stale). */
  public int connected() {
    return connected;
  }

  /** Returns how many are in a remote-config state. */
  public int count(ConfigStatus status) {
    return byStatus.get(status);
  }

  /** Returns how many are pending because they are disconnected. */
  public int pendingOffline() {
    return pendingOffline;
  }

  /** Returns how many are pending while connected. */
  public int pendingConnected() {
    return count(ConfigStatus.PENDING) - pendingOffline;
  }

  /** Returns how many drifted. */
  public int drifted() {
    return drifted;
  }

  /** Returns how many agents the selector matches that run a higher-priority configuration. */
  public int shadowed() {
    return shadowed;
  }

  /** Returns the counts by state. */
  public Map<ConfigStatus, Integer> byStatus() {
    return Map.copyOf(byStatus);
  }

  /** Returns the counts as JSON members. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("matching", matching);
    json.put("connected", connected);
    Map<String, Integer> states = new java.util.LinkedHashMap<>();
    byStatus.forEach((k, n) -> states.put(StatusWords.json(k), n));
    json.put("status", states);
    json.put("drifted", drifted);
    json.put("shadowed", shadowed);
    return json;
  }
}
