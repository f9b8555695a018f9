/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.AttributeText;
import org.opampfleet.controlplane.agent.ConfigOfferRecord;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigProblem;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.status.AgentStatus;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.controlplane.status.FleetSummary;
import org.opampfleet.controlplane.web.view.ConfigStats;
import org.opampfleet.controlplane.web.view.Format;
import org.opampfleet.controlplane.web.view.Secrets;
import org.opampfleet.controlplane.web.view.StatusWords;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.wire.AgentCapability;

/**
 * The JSON shapes of the REST API (documented in {@code openapi.yaml}), built as ordered maps so
 * the members appear in a stable, readable order.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class ApiJson {
  private ApiJson() {}

  /** How much of an agent to include. */
  enum Detail {
    /** List items: no component health tree. */
    SUMMARY,
    /** One agent: everything. */
    FULL
  }

  static Map<String, Object> agent(AgentView view, Detail detail) {
    Agent a = view.agent();
    AgentStatus s = view.status();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("instanceUid", a.instanceUid().toString());
    json.put("displayName", a.displayName());
    json.put("connected", a.connection().connected());
    AgentConnectionInfo c = a.connection();
    Map<String, Object> connection = new LinkedHashMap<>();
    connection.put("status", StatusWords.json(s.connection()));
    connection.put("transport", c.transport().name().toLowerCase(java.util.Locale.ROOT));
    connection.put("remoteAddress", c.remoteAddress());
    connection.put("connectedAt", c.connectedAt());
    connection.put("disconnectedAt", c.disconnectedAt());
    connection.put("closeReason", c.closeReason());
    json.put("connection", connection);
    json.put("identifyingAttributes", a.identifyingAttributes());
    json.put("nonIdentifyingAttributes", a.nonIdentifyingAttributes());
    json.put("labels", a.labels());
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", StatusWords.json(s.health()));
    health.put("reason", s.healthReason());
    health.put("reportedAt", a.healthReportedAt());
    if (detail == Detail.FULL && a.health() != null) {
      health.put("root", componentHealth(a.health()));
    }
    json.put("health", health);
    RemoteConfigReport report = a.remoteConfig();
    Map<String, Object> remote = new LinkedHashMap<>();
    remote.put("status", report == null ? "UNSET" : report.status().name());
    remote.put("lastRemoteConfigHash", report == null ? "" : report.hash());
    remote.put("errorMessage", report == null ? "" : report.errorMessage());
    remote.put("reportedAt", report == null ? null : report.reportedAt());
    json.put("remoteConfigStatus", remote);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("status", StatusWords.json(s.config()));
    config.put("reason", s.configReason());
    ConfigVersion desired = s.desired();
    config.put(
        "desired",
        desired == null
            ? null
            : Map.of("name", desired.name(), "version", desired.version(), "hash", desired.hash()));
    config.put("directAssignment", a.directConfig());
    ConfigOfferRecord offer = a.lastOffer();
    config.put(
        "lastOffer",
        offer == null
            ? null
            : Map.of(
                "name",
                offer.configName(),
                "version",
                offer.version(),
                "hash",
                offer.hash(),
                "offeredAt",
                offer.offeredAt()));
    json.put("config", config);
    json.put("drift", StatusWords.json(s.drift()));
    json.put("effectiveConfig", a.effectiveConfig());
    json.put("effectiveConfigReportedAt", a.effectiveConfigReportedAt());
    json.put("capabilities", capabilities(a));
    if (detail == Detail.FULL) {
      json.put("availableComponents", availableComponents(a.availableComponents()));
    }
    json.put("firstSeen", a.firstSeen());
    json.put("lastSeen", a.lastSeen());
    return json;
  }

  static List<String> capabilities(Agent a) {
    List<String> out = new ArrayList<>();
    for (AgentCapability capability : AgentCapability.values()) {
      if (a.hasCapability(capability)) {
        out.add(Format.capability(capability));
      }
    }
    return out;
  }

  static Map<String, Object> componentHealth(ComponentHealth h) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("healthy", h.getHealthy());
    json.put("status", h.getStatus());
    json.put("lastError", h.getLastError());
    json.put("startTime", nanos(h.getStartTimeUnixNano()));
    json.put("statusTime", nanos(h.getStatusTimeUnixNano()));
    json.put("attributes", attributes(h.getAttributesList()));
    Map<String, Object> children = new TreeMap<>();
    h.getComponentHealthMapMap().forEach((k, v) -> children.put(k, componentHealth(v)));
    json.put("components", children);
    return json;
  }

  /**
   * The agent's available components as it reported them (AV-01): the hash in hex and, once the
   * agent sent the full map, each kind with its types ({@code receivers} → {@code otlp}, …), each
   * with its metadata; null if never reported.
   */
  static @Nullable Map<String, Object> availableComponents(@Nullable AvailableComponents c) {
    if (c == null) {
      return null;
    }
    Map<String, Object> components = new TreeMap<>();
    c.getComponentsMap().forEach((k, v) -> components.put(k, componentDetails(v)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("hash", HexFormat.of().formatHex(c.getHash().toByteArray()));
    json.put("components", components);
    return json;
  }

  private static Map<String, Object> componentDetails(ComponentDetails d) {
    Map<String, Object> subComponents = new TreeMap<>();
    d.getSubComponentMapMap().forEach((k, v) -> subComponents.put(k, componentDetails(v)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("metadata", attributes(d.getMetadataList()));
    json.put("subComponents", subComponents);
    return json;
  }

  /** Key-value pairs as text, sorted by key, as the agent's description attributes are shown. */
  private static Map<String, String> attributes(List<KeyValue> pairs) {
    return new TreeMap<>(AttributeText.of(pairs));
  }

  static @Nullable Instant nanos(long unixNanos) {
    return unixNanos == 0
        ? null
        : Instant.ofEpochSecond(unixNanos / 1_000_000_000L, unixNanos % 1_000_000_000L);
  }

  static Map<String, Object> event(AgentEvent e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("time", e.time());
    json.put("kind", StatusWords.json(e.kind()));
    json.put("message", e.message());
    return json;
  }

  static Map<String, Object> configSummary(ConfigService.Entry entry, ConfigStats stats) {
    ConfigVersion latest = entry.latest();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", latest.name());
    json.put("selector", latest.selector());
    json.put("priority", latest.priority());
    json.put("latestVersion", latest.version());
    json.put("hash", latest.hash());
    json.put("createdAt", entry.configuration().createdAt());
    json.put("updatedAt", latest.createdAt());
    json.put("author", latest.author());
    json.put("note", latest.note());
    json.put("agents", stats.toJson());
    json.put("settings", settings(entry.configuration().settings()));
    return json;
  }

  static Map<String, Object> configDetail(ConfigService.Entry entry, ConfigStats stats) {
    Map<String, Object> json = configSummary(entry, stats);
    json.put("files", entry.latest().files());
    return json;
  }

  static Map<String, Object> version(ConfigVersion v, Detail detail) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", v.name());
    json.put("version", v.version());
    json.put("selector", v.selector());
    json.put("priority", v.priority());
    json.put("hash", v.hash());
    json.put("createdAt", v.createdAt());
    json.put("author", v.author());
    json.put("note", v.note());
    if (detail == Detail.FULL) {
      json.put("files", v.files());
    } else {
      json.put("fileNames", new ArrayList<>(v.files().keySet()));
    }
    return json;
  }

  /** Settings with every header value masked: they carry credentials. */
  static Map<String, Object> settings(ConfigSettings s) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(
        "heartbeatIntervalSeconds",
        s.heartbeatInterval() == null ? null : s.heartbeatInterval().toSeconds());
    json.put("ownMetrics", destination(s.ownMetrics()));
    json.put("ownLogs", destination(s.ownLogs()));
    json.put("ownTraces", destination(s.ownTraces()));
    return json;
  }

  private static @Nullable Map<String, Object> destination(
      ConfigSettings.@Nullable TelemetryDestination d) {
    if (d == null) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("endpoint", d.endpoint());
    json.put("headers", Secrets.maskHeaders(d.headers()));
    return json;
  }

  static List<Map<String, Object>> problems(List<ConfigProblem> problems) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConfigProblem p : problems) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("severity", StatusWords.json(p.severity()));
      item.put("file", p.file());
      item.put("line", p.line());
      item.put("column", p.column());
      item.put("message", p.message());
      item.put("description", p.describe());
      out.add(item);
    }
    return out;
  }

  static Map<String, Object> summary(FleetSummary s) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("total", s.total());
    json.put("connection", byWord(s.connection()));
    json.put("health", byWord(s.health()));
    json.put("config", byWord(s.config()));
    json.put("drift", byWord(s.drift()));
    json.put("transport", s.transport());
    json.put("agentVersions", s.agentVersions());
    json.put("configurations", s.configurations());
    return json;
  }

  private static <E extends Enum<E>> Map<String, Integer> byWord(Map<E, Integer> counts) {
    Map<String, Integer> out = new LinkedHashMap<>();
    counts.forEach((k, v) -> out.put(StatusWords.json(k), v));
    return out;
  }
}
