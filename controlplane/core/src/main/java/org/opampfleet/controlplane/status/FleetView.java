/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Read-side queries over the fleet for the REST API and the UI: status of one agent, filtered and
 * sorted pages with keyset cursors, fleet summaries. Everything is computed from memory.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class FleetView {
  private final Inventory inventory;
  private final ConfigService configs;
  private final StatusRules rules;

  /** Creates the view. */
  public FleetView(Inventory inventory, ConfigService configs, StatusRules rules) {
    this.inventory = requireNonNull(inventory, "inventory");
    this.configs = requireNonNull(configs, "configs");
    this.rules = requireNonNull(rules, "rules");
  }

  /** Returns an agent with its status. */
  public Optional<AgentView> agent(InstanceUid instanceUid) {
    return inventory.get(instanceUid).map(this::view);
  }

  /** Returns the agent with its status. */
  public AgentView view(Agent agent) {
    Optional<ConfigService.Entry> desired = configs.desiredFor(agent);
    Duration interval =
        desired
            .map(e -> e.configuration().settings())
            .map(ConfigSettings::heartbeatInterval)
            .orElse(null);
    return new AgentView(
        agent, rules.of(agent, desired.map(ConfigService.Entry::latest), interval));
  }

  /** Returns one page of the agents that match the query. */
  public AgentPage page(AgentQuery query) {
    List<AgentView> matching = new ArrayList<>();
    String needle = query.text().toLowerCase(Locale.ROOT);
    for (Agent agent : inventory.all()) {
      if (query.selector() != null && !query.selector().matches(agent::attribute)) {
        continue;
      }
      if (!needle.isEmpty() && !matchesText(agent, needle)) {
        continue;
      }
      AgentView view = view(agent);
      AgentStatus s = view.status();
      if (!query.connection().isEmpty() && !query.connection().contains(s.connection())) {
        continue;
      }
      if (!query.health().isEmpty() && !query.health().contains(s.health())) {
        continue;
      }
      if (!query.configStatus().isEmpty() && !query.configStatus().contains(s.config())) {
        continue;
      }
      if (query.configName() != null) {
        String name = s.desired() == null ? "none" : s.desired().name();
        if (!name.equals(query.configName())) {
          continue;
        }
      }
      matching.add(view);
    }
    Comparator<AgentView> order = comparator(query.sort());
    if (query.descending()) {
      order = order.reversed();
    }
    // Ties broken by UID so pages never overlap.
    order = order.thenComparing(v -> v.agent().instanceUid());
    matching.sort(order);
    int start = 0;
    if (query.after() != null) {
      InstanceUid afterUid = decodeCursor(query.after());
      for (int i = 0; i < matching.size(); i++) {
        if (matching.get(i).agent().instanceUid().equals(afterUid)) {
          start = i + 1;
          break;
        }
      }
    }
    int limit = query.limit();
    int end = Math.min(matching.size(), start + limit);
    List<AgentView> items = List.copyOf(matching.subList(Math.min(start, end), end));
    String next = end < matching.size() ? cursorBefore(matching, end) : null;
    int previousStart = Math.max(0, start - limit);
    String previous = start > 0 && previousStart > 0 ? cursorBefore(matching, previousStart) : null;
    // The last page starts on the grid of the first (rows 1-100, 101-200, ...), and after this
    // page when an 'after' off the grid put this one beyond it.
    String last =
        end < matching.size()
            ? cursorBefore(matching, Math.max(end, (matching.size() - 1) / limit * limit))
            : null;
    return new AgentPage(items, matching.size(), Math.min(start, end), next, previous, last);
  }

  /** Returns counts over the whole fleet. */
  public FleetSummary summary() {
    Map<AgentStatus.ConnectionStatus, Integer> connection =
        new EnumMap<>(AgentStatus.ConnectionStatus.class);
    Map<AgentStatus.HealthStatus, Integer> health = new EnumMap<>(AgentStatus.HealthStatus.class);
    Map<AgentStatus.ConfigStatus, Integer> config = new EnumMap<>(AgentStatus.ConfigStatus.class);
    Map<AgentStatus.DriftStatus, Integer> drift = new EnumMap<>(AgentStatus.DriftStatus.class);
    for (var c : AgentStatus.ConnectionStatus.values()) {
      connection.put(c, 0);
    }
    for (var h : AgentStatus.HealthStatus.values()) {
      health.put(h, 0);
    }
    for (var c : AgentStatus.ConfigStatus.values()) {
      config.put(c, 0);
    }
    for (var d : AgentStatus.DriftStatus.values()) {
      drift.put(d, 0);
    }
    Map<String, Integer> transport = new TreeMap<>();
    Map<String, Integer> versions = new TreeMap<>();
    Map<String, Integer> assignments = new TreeMap<>();
    int total = 0;
    for (Agent agent : inventory.all()) {
      total++;
      AgentStatus s = view(agent).status();
      connection.merge(s.connection(), 1, Integer::sum);
      health.merge(s.health(), 1, Integer::sum);
      config.merge(s.config(), 1, Integer::sum);
      drift.merge(s.drift(), 1, Integer::sum);
      if (s.connection() != AgentStatus.ConnectionStatus.DISCONNECTED) {
        transport.merge(
            agent.connection().transport().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
      }
      String version =
          agent.agentType().orElse("unknown") + agent.agentVersion().map(v -> " " + v).orElse("");
      versions.merge(version, 1, Integer::sum);
      assignments.merge(s.desired() == null ? "none" : s.desired().name(), 1, Integer::sum);
    }
    return new FleetSummary(
        total,
        connection,
        health,
        config,
        drift,
        transport,
        byCount(versions),
        byCount(assignments));
  }

  /**
   * Previews a selector: how many agents it matches, how many are connected, the first few, and
   * where each key resolved.
   */
  public SelectorPreview preview(
      org.opampfleet.controlplane.config.Selector selector, int samples) {
    int matched = 0;
    int connected = 0;
    List<Agent> first = new ArrayList<>();
    Map<String, Map<Agent.AttributeSource, Integer>> sources = new LinkedHashMap<>();
    selector.keys().forEach(k -> sources.put(k, new EnumMap<>(Agent.AttributeSource.class)));
    for (Agent agent : inventory.all()) {
      for (String key : selector.keys()) {
        agent.attributeSource(key).ifPresent(src -> sources.get(key).merge(src, 1, Integer::sum));
      }
      if (selector.matches(agent::attribute)) {
        matched++;
        if (agent.connection().connected()) {
          connected++;
        }
        if (first.size() < samples) {
          first.add(agent);
        }
      }
    }
    Map<String, String> resolution = new LinkedHashMap<>();
    sources.forEach(
        (key, counts) ->
            resolution.put(
                key,
                counts.isEmpty()
                    ? "not found on any agent"
                    : counts.entrySet().stream()
                        .max(Map.Entry.comparingByValue())
                        .map(
                            e ->
                                switch (e.getKey()) {
                                  case LABEL -> "label";
                                  case IDENTIFYING -> "identifying attribute";
                                  case NON_IDENTIFYING -> "non-identifying attribute";
                                })
                        .orElseThrow()));
    return new SelectorPreview(matched, connected, List.copyOf(first), resolution);
  }

  /**
   * What a selector matches.
   *
   * @param matching agents it matches
   * @param connected of those, connected now
   * @param samples the first few
   * @param resolution each key and where it resolved, e.g. {@code env -> label}
   */
  public record SelectorPreview(
      int matching, int connected, List<Agent> samples, Map<String, String> resolution) {}

  /** Returns the desired configuration version of an agent, if any. */
  public Optional<ConfigVersion> desired(Agent agent) {
    return configs.desiredFor(agent).map(ConfigService.Entry::latest);
  }

  private static boolean matchesText(Agent agent, String needle) {
    if (agent.displayName().toLowerCase(Locale.ROOT).contains(needle)
        || agent.connection().remoteAddress().contains(needle)) {
      return true;
    }
    if (agent
        .attribute("host.name")
        .map(h -> h.toLowerCase(Locale.ROOT).contains(needle))
        .orElse(false)) {
      return true;
    }
    String hex = needle.replace("-", "");
    return hex.length() >= 4
        && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)
        && agent.instanceUid().toString().replace("-", "").contains(hex);
  }

  private static Comparator<AgentView> comparator(AgentQuery.Sort sort) {
    return switch (sort) {
      case ATTENTION ->
          Comparator.comparingInt((AgentView v) -> v.status().attentionRank())
              .thenComparing(v -> v.agent().lastSeen(), Comparator.<Instant>reverseOrder());
      case NAME -> Comparator.comparing(v -> v.agent().displayName().toLowerCase(Locale.ROOT));
      case LAST_SEEN -> Comparator.comparing((AgentView v) -> v.agent().lastSeen()).reversed();
      case VERSION -> Comparator.comparing(v -> v.agent().agentVersion().orElse(""));
    };
  }

  private static Map<String, Integer> byCount(Map<String, Integer> counts) {
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** The cursor of a page that starts at {@code index}: the agent just before it. */
  private static String cursorBefore(List<AgentView> ordered, int index) {
    return encodeCursor(ordered.get(index - 1).agent().instanceUid());
  }

  private static String encodeCursor(InstanceUid uid) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(uid.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static @Nullable InstanceUid decodeCursor(String cursor) {
    try {
      return InstanceUid.parse(
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
