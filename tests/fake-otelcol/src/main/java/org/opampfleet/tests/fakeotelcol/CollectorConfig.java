/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * A checked collector configuration: the resolved tree plus the parts the fake acts on. {@link
 * #check} refuses what the real collector refuses, with messages worded like its own: unknown
 * top-level keys, unknown component types, pipelines referring to components that are not
 * configured, a service without pipelines (unless the {@code service.AllowNoPipelines} gate is on),
 * and bad settings of the extensions the fake implements.
 *
 * <p><b>Thread safety:</b> immutable after {@link #check}; thread-safe.
 *
 * @param tree the whole resolved configuration
 * @param pipelines pipeline ID → component IDs ({@code receiver:otlp}, …), for health reports
 * @param healthCheck the {@code health_check} extension's endpoint and path, or null
 * @param metrics where Prometheus self-metrics are served ({@code host:port}), or null for none
 * @param opamp the {@code opamp} extension's settings, or null
 * @param fault the {@code fault} extension's settings, or null
 * @param logs the log output settings
 */
record CollectorConfig(
    Map<String, Object> tree,
    Map<String, List<String>> pipelines,
    @Nullable HealthCheck healthCheck,
    @Nullable String metrics,
    @Nullable OpampSettings opamp,
    @Nullable Map<String, Object> fault,
    LogSettings logs) {

  static final String ALLOW_NO_PIPELINES = "service.AllowNoPipelines";
  private static final Set<String> TOP_LEVEL =
      Set.of("receivers", "processors", "exporters", "connectors", "extensions", "service");
  private static final Set<String> SIGNALS = Set.of("traces", "metrics", "logs", "profiles");

  /** The {@code health_check} extension: where it listens and on which path. */
  record HealthCheck(String host, int port, String path) {}

  /**
   * The {@code opamp} extension's settings.
   *
   * @param endpoint the server's WebSocket or HTTP URL
   * @param headers extra headers (opaque: never reported)
   * @param instanceUid the configured UID, or null
   * @param reportsEffectiveConfig {@code capabilities.reports_effective_config}
   * @param reportsHealth {@code capabilities.reports_health}
   * @param reportsAvailableComponents {@code capabilities.reports_available_components}
   * @param nonIdentifyingAttributes {@code agent_description.non_identifying_attributes}
   * @param includeResourceAttributes {@code agent_description.include_resource_attributes}
   * @param ppid the PID to watch, 0 for none
   * @param ppidPollInterval how often to look at it
   */
  record OpampSettings(
      String endpoint,
      Map<String, String> headers,
      @Nullable InstanceUid instanceUid,
      boolean reportsEffectiveConfig,
      boolean reportsHealth,
      boolean reportsAvailableComponents,
      Map<String, String> nonIdentifyingAttributes,
      boolean includeResourceAttributes,
      long ppid,
      Duration ppidPollInterval) {}

  /** Where and how logs are written: {@code json} or {@code console}, to stdout or stderr. */
  record LogSettings(String encoding, boolean toStdout, String level) {}

  /**
   * Checks a resolved configuration.
   *
   * @throws InvalidConfigException worded like the collector's error
   */
  static CollectorConfig check(
      Map<String, Object> tree, Components components, Set<String> featureGates) {
    List<String> unknownTop = new ArrayList<>();
    for (String key : tree.keySet()) {
      if (!TOP_LEVEL.contains(key)) {
        unknownTop.add(key);
      }
    }
    if (!unknownTop.isEmpty()) {
      throw new InvalidConfigException(
          "cannot unmarshal the configuration: decoding failed due to the following error(s):\n\n"
              + "'' has invalid keys: "
              + String.join(", ", unknownTop));
    }
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    for (String kind : Components.KINDS) {
      Map<String, Object> section = Yaml.section(tree, kind, kind);
      for (String id : section.keySet()) {
        String type = typeOf(id);
        if (!components.has(kind, type)) {
          throw new InvalidConfigException(
              "cannot unmarshal the configuration: decoding failed due to the following error(s):"
                  + "\n\n'"
                  + kind
                  + "' unknown type: \""
                  + type
                  + "\" for id: \""
                  + id
                  + "\" (valid values: ["
                  + String.join(" ", components.types(kind))
                  + "])");
        }
        Object settings = section.get(id);
        if (settings != null && !(settings instanceof Map<?, ?>)) {
          throw new InvalidConfigException(
              "cannot unmarshal the configuration: decoding failed due to the following error(s):"
                  + "\n\n'"
                  + kind
                  + "::"
                  + id
                  + "' expected a map, got '"
                  + Yaml.typeName(settings)
                  + "'");
        }
      }
      sections.put(kind, section);
    }
    Map<String, Object> service = Yaml.section(tree, "service", "service");
    for (String key : service.keySet()) {
      if (!Set.of("extensions", "pipelines", "telemetry").contains(key)) {
        throw new InvalidConfigException(
            "cannot unmarshal the configuration: decoding failed due to the following error(s):\n\n"
                + "'service' has invalid keys: "
                + key);
      }
    }
    List<String> serviceExtensions = stringList(service.get("extensions"), "service::extensions");
    for (String id : serviceExtensions) {
      if (!sections.get("extensions").containsKey(id)) {
        throw new InvalidConfigException(
            "invalid configuration: service::extensions: references extension \""
                + id
                + "\" which is not configured");
      }
    }
    Map<String, Object> pipelineSection = Yaml.section(service, "pipelines", "service::pipelines");
    Map<String, List<String>> pipelines = new LinkedHashMap<>();
    for (String id : pipelineSection.keySet()) {
      String path = "service::pipelines::" + id;
      if (!SIGNALS.contains(typeOf(id))) {
        throw new InvalidConfigException(
            "cannot unmarshal the configuration: decoding failed due to the following error(s):"
                + "\n\n'service::pipelines' unknown signal \""
                + typeOf(id)
                + "\" for id: \""
                + id
                + "\"");
      }
      Map<String, Object> pipeline = Yaml.section(pipelineSection, id, path);
      for (String key : pipeline.keySet()) {
        if (!Set.of("receivers", "processors", "exporters").contains(key)) {
          throw new InvalidConfigException(
              "cannot unmarshal the configuration: decoding failed due to the following error(s):"
                  + "\n\n'"
                  + path
                  + "' has invalid keys: "
                  + key);
        }
      }
      List<String> members = new ArrayList<>();
      for (String role : List.of("receivers", "processors", "exporters")) {
        List<String> ids = stringList(pipeline.get(role), path + "::" + role);
        if (ids.isEmpty() && !role.equals("processors")) {
          throw new InvalidConfigException(
              "invalid configuration: "
                  + path
                  + ": must have at least one "
                  + role.substring(0, role.length() - 1));
        }
        for (String member : ids) {
          boolean configured =
              sections.get(role).containsKey(member)
                  || (!role.equals("processors") && sections.get("connectors").containsKey(member));
          if (!configured) {
            throw new InvalidConfigException(
                "invalid configuration: "
                    + path
                    + ": references "
                    + role.substring(0, role.length() - 1)
                    + " \""
                    + member
                    + "\" which is not configured");
          }
          members.add(role.substring(0, role.length() - 1) + ":" + member);
        }
      }
      pipelines.put(id, members);
    }
    if (pipelines.isEmpty() && !featureGates.contains(ALLOW_NO_PIPELINES)) {
      throw new InvalidConfigException(
          "invalid configuration: service::pipelines config validation failed: service must have at"
              + " least one pipeline");
    }
    Map<String, Object> extensions = sections.get("extensions");
    HealthCheck healthCheck = null;
    OpampSettings opamp = null;
    Map<String, Object> fault = null;
    for (String id : serviceExtensions) {
      Map<String, Object> settings = Yaml.section(extensions, id, "extensions::" + id);
      switch (typeOf(id)) {
        case "health_check" -> healthCheck = healthCheck(settings, "extensions::" + id);
        case "opamp" -> opamp = opamp(settings, "extensions::" + id);
        case "fault" -> fault = Faults.check(settings, "extensions::" + id);
        default -> {}
      }
    }
    Map<String, Object> telemetry = Yaml.section(service, "telemetry", "service::telemetry");
    return new CollectorConfig(
        tree,
        pipelines,
        healthCheck,
        metricsAddress(telemetry),
        opamp,
        fault,
        logSettings(telemetry));
  }

  static String typeOf(String id) {
    int slash = id.indexOf('/');
    return slash < 0 ? id : id.substring(0, slash);
  }

  private static List<String> stringList(@Nullable Object value, String path) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new InvalidConfigException(
          "cannot unmarshal the configuration: decoding failed due to the following error(s):\n\n'"
              + path
              + "' source data must be an array or slice, got "
              + Yaml.typeName(value));
    }
    List<String> out = new ArrayList<>();
    for (Object item : list) {
      out.add(String.valueOf(item));
    }
    return out;
  }

  private static HealthCheck healthCheck(Map<String, Object> settings, String path) {
    String endpoint = String.valueOf(settings.getOrDefault("endpoint", "localhost:13133"));
    int colon = endpoint.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(endpoint.substring(colon + 1));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new InvalidConfigException(
          "invalid configuration: " + path + "::endpoint: \"" + endpoint + "\" is not host:port");
    }
    String host = colon <= 0 ? "0.0.0.0" : endpoint.substring(0, colon);
    return new HealthCheck(host, port, String.valueOf(settings.getOrDefault("path", "/")));
  }

  private static OpampSettings opamp(Map<String, Object> settings, String path) {
    Map<String, Object> server = Yaml.section(settings, "server", path + "::server");
    Map<String, Object> ws = server.containsKey("ws") ? Yaml.section(server, "ws", "ws") : null;
    Map<String, Object> http =
        server.containsKey("http") ? Yaml.section(server, "http", "http") : null;
    if ((ws == null) == (http == null)) {
      throw new InvalidConfigException(
          "invalid configuration: " + path + ": opamp server must have exactly one of ws or http");
    }
    Map<String, Object> transport = ws != null ? ws : http;
    Object endpoint = transport.get("endpoint");
    if (endpoint == null || String.valueOf(endpoint).isBlank()) {
      throw new InvalidConfigException(
          "invalid configuration: " + path + ": opamp server endpoint must be provided");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    Yaml.section(transport, "headers", path + "::headers")
        .forEach((k, v) -> headers.put(k, String.valueOf(v)));
    InstanceUid uid = null;
    Object uidText = settings.get("instance_uid");
    if (uidText != null && !String.valueOf(uidText).isEmpty()) {
      String text = String.valueOf(uidText);
      try {
        uid = text.length() == 26 ? InstanceUid.fromLegacyUlid(text) : InstanceUid.parse(text);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(
            "invalid configuration: " + path + ": opamp instance_uid is invalid");
      }
    }
    Map<String, Object> caps = Yaml.section(settings, "capabilities", path + "::capabilities");
    Map<String, Object> description =
        Yaml.section(settings, "agent_description", path + "::agent_description");
    Map<String, String> nonIdentifying = new LinkedHashMap<>();
    Yaml.section(description, "non_identifying_attributes", path)
        .forEach((k, v) -> nonIdentifying.put(k, String.valueOf(v)));
    long ppid = settings.get("ppid") instanceof Number n ? n.longValue() : 0;
    Duration poll =
        settings.get("ppid_poll_interval") == null
            ? Duration.ofSeconds(5)
            : Faults.duration(settings.get("ppid_poll_interval"), path + "::ppid_poll_interval");
    return new OpampSettings(
        String.valueOf(endpoint),
        headers,
        uid,
        !Boolean.FALSE.equals(caps.get("reports_effective_config")),
        !Boolean.FALSE.equals(caps.get("reports_health")),
        !Boolean.FALSE.equals(caps.get("reports_available_components")),
        nonIdentifying,
        Boolean.TRUE.equals(description.get("include_resource_attributes")),
        ppid,
        poll.isZero() || poll.isNegative() ? Duration.ofSeconds(5) : poll);
  }

  private static @Nullable String metricsAddress(Map<String, Object> telemetry) {
    Map<String, Object> metrics = Yaml.section(telemetry, "metrics", "service::telemetry::metrics");
    if ("none".equals(metrics.get("level"))) {
      return null;
    }
    if (metrics.get("address") != null) {
      return String.valueOf(metrics.get("address"));
    }
    if (metrics.get("readers") instanceof List<?> readers) {
      for (Object reader : readers) {
        if (reader instanceof Map<?, ?> r
            && r.get("pull") instanceof Map<?, ?> pull
            && pull.get("exporter") instanceof Map<?, ?> exporter
            && exporter.get("prometheus") instanceof Map<?, ?> prometheus) {
          Object host = prometheus.get("host");
          Object port = prometheus.get("port");
          return (host == null ? "localhost" : host) + ":" + (port == null ? 8888 : port);
        }
      }
      // Only push readers: nothing is served.
      return null;
    }
    return "localhost:8888";
  }

  private static LogSettings logSettings(Map<String, Object> telemetry) {
    Map<String, Object> logs = Yaml.section(telemetry, "logs", "service::telemetry::logs");
    String encoding = String.valueOf(logs.getOrDefault("encoding", "console"));
    boolean stdout = logs.get("output_paths") instanceof List<?> paths && paths.contains("stdout");
    return new LogSettings(encoding, stdout, String.valueOf(logs.getOrDefault("level", "info")));
  }
}
