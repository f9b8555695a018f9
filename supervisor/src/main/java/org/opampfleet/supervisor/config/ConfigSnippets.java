/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The configuration snippets the supervisor injects into the collector's configuration, as the Go
 * supervisor writes them (compat reference 3.3 to 3.6).
 *
 * <p><b>Thread safety:</b> stateless; thread-safe. Every call returns a new mutable tree.
 */
public final class ConfigSnippets {
  /** The header that carries the local link's per-run token (ours; see {@code CollectorLink}). */
  public static final String TOKEN_HEADER = "Authorization";

  private ConfigSnippets() {}

  /**
   * The nop pipeline: {@code receivers.nop}, {@code exporters.nop} and a traces pipeline between
   * them, used when nothing else would give the collector a pipeline.
   */
  public static Map<String, Object> nopPipeline() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> receivers = new LinkedHashMap<>();
    receivers.put("nop", null);
    Map<String, Object> exporters = new LinkedHashMap<>();
    exporters.put("nop", null);
    Map<String, Object> traces = new LinkedHashMap<>();
    traces.put("receivers", new ArrayList<>(List.of("nop")));
    traces.put("exporters", new ArrayList<>(List.of("nop")));
    out.put("receivers", receivers);
    out.put("exporters", exporters);
    out.put("service", map("pipelines", map("traces", traces)));
    return out;
  }

  /**
   * The {@code opamp} extension's settings ({@code $OPAMP_EXTENSION_CONFIG}).
   *
   * @param uid the instance UID the collector reports
   * @param port the local OpAMP server's port on 127.0.0.1
   * @param token the local link's per-run token, sent by the extension as a bearer token
   * @param supervisorPid the PID the collector watches ({@code ppid})
   * @param pollInterval {@code ppid_poll_interval}
   * @param components what the extension reports
   */
  public static Map<String, Object> opampExtension(
      InstanceUid uid,
      int port,
      String token,
      long supervisorPid,
      Duration pollInterval,
      ExtensionOptions components) {
    Map<String, Object> ws = new LinkedHashMap<>();
    ws.put("endpoint", "ws://127.0.0.1:" + port + "/v1/opamp");
    ws.put("tls", map("insecure", true));
    ws.put("headers", map(TOKEN_HEADER, "Bearer " + token));
    Map<String, Object> opamp = new LinkedHashMap<>();
    opamp.put("instance_uid", uid.toString());
    opamp.put("server", map("ws", ws));
    opamp.put("ppid", supervisorPid);
    opamp.put(
        "ppid_poll_interval",
        GoDuration.format(
            pollInterval.isZero() || pollInterval.isNegative()
                ? Duration.ofSeconds(5)
                : pollInterval));
    opamp.put(
        "capabilities",
        map("reports_available_components", components.reportsAvailableComponents()));
    if (components.includeResourceAttributes()) {
      opamp.put("agent_description", map("include_resource_attributes", true));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("extensions", map("opamp", opamp));
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("extensions", new ArrayList<>(List.of("opamp")));
    service.put(
        "telemetry",
        map(
            "resource",
            map("attributes", attributeList(Map.of("service.instance.id", uid.toString())))));
    out.put("service", service);
    return out;
  }

  /**
   * What the injected extension reports.
   *
   * @param reportsAvailableComponents copied from {@code capabilities.reports_available_components}
   * @param includeResourceAttributes copied from {@code
   *     agent.description.include_resource_attributes}
   */
  public record ExtensionOptions(
      boolean reportsAvailableComponents, boolean includeResourceAttributes) {}

  /**
   * The own-telemetry snippet from the server's offers: one OTLP/HTTP exporter per signal offered
   * with a non-empty {@code destination_endpoint}; only the endpoint and headers of an offer are
   * used. Empty when nothing is offered.
   */
  public static Map<String, Object> ownTelemetry(ConnectionSettingsOffers offers) {
    Map<String, Object> telemetry = new LinkedHashMap<>();
    if (offers.hasOwnMetrics() && !offers.getOwnMetrics().getDestinationEndpoint().isEmpty()) {
      Map<String, Object> reader =
          map("periodic", map("exporter", map("otlp", otlp(offers.getOwnMetrics()))));
      telemetry.put("metrics", map("readers", new ArrayList<>(List.of(reader))));
    }
    if (offers.hasOwnLogs() && !offers.getOwnLogs().getDestinationEndpoint().isEmpty()) {
      Map<String, Object> processor =
          map("batch", map("exporter", map("otlp", otlp(offers.getOwnLogs()))));
      telemetry.put("logs", map("processors", new ArrayList<>(List.of(processor))));
    }
    if (offers.hasOwnTraces() && !offers.getOwnTraces().getDestinationEndpoint().isEmpty()) {
      Map<String, Object> processor =
          map("batch", map("exporter", map("otlp", otlp(offers.getOwnTraces()))));
      telemetry.put("traces", map("processors", new ArrayList<>(List.of(processor))));
    }
    if (telemetry.isEmpty()) {
      return new LinkedHashMap<>();
    }
    return map("service", map("telemetry", telemetry));
  }

  private static Map<String, Object> otlp(TelemetryConnectionSettings settings) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("protocol", "http/protobuf");
    out.put("endpoint", settings.getDestinationEndpoint());
    if (settings.hasHeaders() && settings.getHeaders().getHeadersCount() > 0) {
      Map<String, Object> headers = new LinkedHashMap<>();
      for (Header h : settings.getHeaders().getHeadersList()) {
        headers.put(h.getKey(), h.getValue());
      }
      out.put("headers", headers);
    }
    return out;
  }

  /**
   * The extra-telemetry snippet: JSON logs on stdout (so the supervisor can read them) and the
   * agent description's attributes as the collector's resource, sorted by name.
   */
  public static Map<String, Object> extraTelemetry(AgentDescription description) {
    Map<String, Object> logs = new LinkedHashMap<>();
    logs.put("encoding", "json");
    logs.put("error_output_paths", new ArrayList<>(List.of("stderr")));
    logs.put("output_paths", new ArrayList<>(List.of("stdout")));
    Map<String, String> attributes = new TreeMap<>();
    for (KeyValue kv : description.getIdentifyingAttributesList()) {
      attributes.put(kv.getKey(), kv.getValue().getStringValue());
    }
    for (KeyValue kv : description.getNonIdentifyingAttributesList()) {
      attributes.put(kv.getKey(), kv.getValue().getStringValue());
    }
    Map<String, Object> telemetry = new LinkedHashMap<>();
    telemetry.put("logs", logs);
    if (!attributes.isEmpty()) {
      telemetry.put("resource", map("attributes", attributeList(attributes)));
    }
    return map("service", map("telemetry", telemetry));
  }

  /**
   * The snippet placed after the remote config: {@code service.instance.id} = the instance UID in
   * the collector's resource.
   */
  public static Map<String, Object> instanceIdResource(InstanceUid uid) {
    return map(
        "service",
        map(
            "telemetry",
            map(
                "resource",
                map("attributes", attributeList(Map.of("service.instance.id", uid.toString()))))));
  }

  static List<Object> attributeList(Map<String, String> attributes) {
    List<Object> out = new ArrayList<>();
    new TreeMap<>(attributes)
        .forEach(
            (name, value) -> {
              Map<String, Object> item = new LinkedHashMap<>();
              item.put("name", name);
              item.put("value", value);
              out.add(item);
            });
    return out;
  }

  static Map<String, Object> map(String key, Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(key, value);
    return out;
  }
}
