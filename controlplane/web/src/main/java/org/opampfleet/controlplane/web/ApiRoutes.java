/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.config.ConfigDiff;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.status.AgentPage;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.controlplane.status.FleetView;
import org.opampfleet.controlplane.web.view.ConfigStats;
import org.opampfleet.controlplane.web.view.Secrets;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The REST API under {@code /api/v1}, described by {@code /api/v1/openapi.yaml}.
 *
 * <p><b>Thread safety:</b> thread-safe; handlers run on Jetty's request threads.
 */
final class ApiRoutes {
  static final String OPENAPI_RESOURCE = "/org/opampfleet/controlplane/web/openapi.yaml";

  private final WebServices services;
  private final FleetCommands commands;
  private final byte[] openApi;

  ApiRoutes(WebServices services, FleetCommands commands) {
    this.services = requireNonNull(services, "services");
    this.commands = requireNonNull(commands, "commands");
    this.openApi = readResource(OPENAPI_RESOURCE);
  }

  void register(RoutesConfig routes) {
    routes.get(
        "/api/v1/openapi.yaml",
        ctx -> ctx.contentType("application/yaml; charset=utf-8").result(openApi));
    routes.get("/api/v1/agents", this::listAgents);
    routes.get("/api/v1/agents/{uid}", this::getAgent);
    routes.delete("/api/v1/agents/{uid}", this::deleteAgent);
    routes.patch("/api/v1/agents/{uid}/labels", this::patchLabels);
    routes.post("/api/v1/agents/{uid}/restart", this::restart);
    routes.get("/api/v1/agents/{uid}/timeline", this::timeline);
    routes.put("/api/v1/agents/{uid}/config", this::assign);
    routes.get("/api/v1/configs", this::listConfigs);
    routes.get("/api/v1/configs/{name}", this::getConfig);
    routes.put("/api/v1/configs/{name}", this::saveConfig);
    routes.delete("/api/v1/configs/{name}", this::deleteConfig);
    routes.get("/api/v1/configs/{name}/versions", this::versions);
    routes.get("/api/v1/configs/{name}/versions/{n}", this::version);
    routes.get("/api/v1/configs/{name}/diff", this::diff);
    routes.put("/api/v1/configs/{name}/settings", this::settings);
    routes.post("/api/v1/selector/preview", this::previewSelector);
    routes.get("/api/v1/fleet/summary", this::summary);
  }

  private void listAgents(Context ctx) {
    AgentQueryParams.Parsed parsed =
        AgentQueryParams.parse(ctx::queryParams, ctx.queryParamMap().keySet());
    if (parsed.selectorError() != null) {
      throw new ApiException(ProblemMapper.invalidSelector(parsed.selectorError()));
    }
    if (!parsed.ignored().isEmpty()) {
      throw new ApiException(
          Problem.of(
                  400,
                  "invalid-query",
                  "Some query parameters are not valid",
                  String.join("; ", parsed.ignored()) + ".")
              .with("errors", parsed.ignored()));
    }
    AgentPage page =
        parsed.matchesNothing() ? AgentPage.empty() : services.fleetView().page(parsed.query());
    List<Map<String, Object>> items = new ArrayList<>();
    for (AgentView view : page.items()) {
      items.add(ApiJson.agent(view, ApiJson.Detail.SUMMARY));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("items", items);
    json.put("total", page.total());
    json.put("limit", parsed.query().limit());
    json.put("offset", page.offset());
    json.put("nextCursor", page.nextCursor());
    json.put("previousCursor", page.previousCursor());
    json.put("lastCursor", page.lastCursor());
    Json.write(ctx, 200, json);
  }

  private void getAgent(Context ctx) {
    Json.write(ctx, 200, ApiJson.agent(commands.agent(ctx.pathParam("uid")), ApiJson.Detail.FULL));
  }

  private void deleteAgent(Context ctx) {
    commands.deleteAgent(FleetCommands.uid(ctx.pathParam("uid")));
    ctx.status(204);
  }

  private void patchLabels(Context ctx) {
    InstanceUid uid = FleetCommands.uid(ctx.pathParam("uid"));
    ObjectNode body = Json.object(ctx, null);
    Map<String, @Nullable String> patch = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        patch.put(e.getKey(), null);
      } else if (e.getValue().isTextual()) {
        patch.put(e.getKey(), e.getValue().asText());
      } else {
        throw ApiException.badRequest(
            "Label \""
                + e.getKey()
                + "\" must be a string, or null to remove it (the body is a JSON merge patch of"
                + " the labels).");
      }
    }
    commands.patchLabels(uid, patch, who(ctx));
    Json.write(ctx, 200, ApiJson.agent(commands.agent(uid.toString()), ApiJson.Detail.FULL));
  }

  private void restart(Context ctx) {
    commands.restart(FleetCommands.uid(ctx.pathParam("uid")), who(ctx));
    Json.write(
        ctx,
        202,
        Map.of(
            "status",
            "sent",
            "message",
            "The restart command was sent; the agent restarts when it receives it."));
  }

  private void timeline(Context ctx) {
    InstanceUid uid = commands.agent(ctx.pathParam("uid")).agent().instanceUid();
    Instant before = null;
    String beforeText = ctx.queryParam("before");
    if (beforeText != null && !beforeText.isBlank()) {
      try {
        before = Instant.parse(beforeText.trim());
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(
            "before=" + beforeText + " is not a time (expected e.g. 2026-11-28T14:01:22Z).");
      }
    }
    int limit = intParam(ctx, "limit", 50, 1, 500);
    List<AgentEvent> events = services.inventory().timeline(uid, before, limit);
    List<Map<String, Object>> items = new ArrayList<>();
    events.forEach(e -> items.add(ApiJson.event(e)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("items", items);
    json.put("nextBefore", events.size() == limit ? events.get(events.size() - 1).time() : null);
    Json.write(ctx, 200, json);
  }

  private void assign(Context ctx) {
    InstanceUid uid = FleetCommands.uid(ctx.pathParam("uid"));
    ObjectNode body = Json.object(ctx, Set.of("config"));
    if (!body.has("config")) {
      throw ApiException.badRequest(
          "The body needs \"config\": a configuration name, or null to remove the assignment.");
    }
    commands.assign(uid, Json.string(body, "config"));
    Json.write(ctx, 200, ApiJson.agent(commands.agent(uid.toString()), ApiJson.Detail.FULL));
  }

  private void listConfigs(Context ctx) {
    Map<String, ConfigStats> stats = stats();
    List<Map<String, Object>> items = new ArrayList<>();
    for (ConfigService.Entry entry : services.configs().catalog()) {
      items.add(
          ApiJson.configSummary(
              entry, stats.getOrDefault(entry.configuration().name(), ConfigStats.none())));
    }
    Json.write(ctx, 200, Map.of("items", items));
  }

  private void getConfig(Context ctx) {
    ConfigService.Entry entry = commands.config(ctx.pathParam("name"));
    Json.write(
        ctx,
        200,
        ApiJson.configDetail(
            entry, stats().getOrDefault(entry.configuration().name(), ConfigStats.none())));
  }

  private void saveConfig(Context ctx) {
    String name = ctx.pathParam("name");
    ObjectNode body =
        Json.object(ctx, Set.of("selector", "priority", "files", "baseVersion", "note"));
    String selector = Json.string(body, "selector");
    if (selector == null) {
      throw ApiException.badRequest(
          "The body needs \"selector\", a label selector such as \"env=prod\" (\"\" selects"
              + " every agent).");
    }
    Map<String, String> files = Json.stringMap(body, "files");
    if (files == null || files.isEmpty()) {
      throw ApiException.badRequest(
          "The body needs \"files\": file name to content, e.g. {\"collector.yaml\": \"...\"}.");
    }
    Integer priority = Json.integer(body, "priority");
    String note = Json.string(body, "note");
    boolean existed = services.configs().get(name).isPresent();
    ConfigService.SaveResult result =
        commands.saveConfig(
            name,
            selector,
            priority == null ? 0 : priority,
            files,
            who(ctx),
            note == null ? "" : note,
            Json.integer(body, "baseVersion"));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", ApiJson.version(result.version(), ApiJson.Detail.SUMMARY));
    json.put("warnings", ApiJson.problems(result.warnings()));
    ctx.header("Location", "/api/v1/configs/" + name + "/versions/" + result.version().version());
    Json.write(ctx, existed ? 200 : 201, json);
  }

  private void deleteConfig(Context ctx) {
    commands.deleteConfig(ctx.pathParam("name"));
    ctx.status(204);
  }

  private void versions(Context ctx) {
    String name = commands.config(ctx.pathParam("name")).configuration().name();
    List<Map<String, Object>> items = new ArrayList<>();
    for (ConfigVersion v : services.configs().versions(name)) {
      items.add(ApiJson.version(v, ApiJson.Detail.SUMMARY));
    }
    Json.write(ctx, 200, Map.of("items", items));
  }

  private void version(Context ctx) {
    String name = commands.config(ctx.pathParam("name")).configuration().name();
    int n = pathInt(ctx, "n");
    ConfigVersion v =
        services
            .configs()
            .version(name, n)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "Unknown version",
                        "Configuration \"" + name + "\" has no version " + n + "."));
    Json.write(ctx, 200, ApiJson.version(v, ApiJson.Detail.FULL));
  }

  private void diff(Context ctx) {
    ConfigService.Entry entry = commands.config(ctx.pathParam("name"));
    String name = entry.configuration().name();
    int latest = entry.latest().version();
    int to = intParam(ctx, "to", latest, 1, latest);
    int from = intParam(ctx, "from", to - 1, 0, latest);
    String contextText = ctx.queryParam("context");
    int context =
        "all".equalsIgnoreCase(contextText) ? 100_000 : intParam(ctx, "context", 3, 0, 1000);
    Map<String, String> fromFiles = from == 0 ? Map.of() : versionFiles(name, from);
    ConfigDiff diff =
        ConfigDiff.between(fromFiles, versionFiles(name, to), "v" + from, "v" + to, context);
    List<Map<String, Object>> files = new ArrayList<>();
    for (ConfigDiff.FileDiff f : diff.files()) {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("name", f.name());
      file.put("added", f.added());
      file.put("removed", f.removed());
      file.put("unified", f.unified());
      files.add(file);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("from", from);
    json.put("to", to);
    json.put("files", files);
    Json.write(ctx, 200, json);
  }

  private void settings(Context ctx) {
    ConfigService.Entry entry = commands.config(ctx.pathParam("name"));
    ObjectNode body =
        Json.object(ctx, Set.of("heartbeatIntervalSeconds", "ownMetrics", "ownLogs", "ownTraces"));
    ConfigSettings current = entry.configuration().settings();
    Integer seconds = Json.integer(body, "heartbeatIntervalSeconds");
    if (seconds != null && (seconds < 1 || seconds > 86_400)) {
      throw ApiException.badRequest(
          "\"heartbeatIntervalSeconds\" is " + seconds + " (expected: 1 to 86400, or null).");
    }
    ConfigSettings settings =
        new ConfigSettings(
            seconds == null ? null : Duration.ofSeconds(seconds),
            destination(body, "ownMetrics", current.ownMetrics()),
            destination(body, "ownLogs", current.ownLogs()),
            destination(body, "ownTraces", current.ownTraces()));
    commands.updateSettings(entry.configuration().name(), settings);
    Json.write(ctx, 200, ApiJson.settings(settings));
  }

  /**
   * Reads a telemetry destination. A header whose value is the mask keeps its stored value, so a
   * client can send back what it read.
   */
  private static ConfigSettings.@Nullable TelemetryDestination destination(
      ObjectNode body, String field, ConfigSettings.@Nullable TelemetryDestination current) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest(
          "\"" + field + "\" must be null or {\"endpoint\": \"https://...\", \"headers\": {}}.");
    }
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String member = it.next();
      if (!member.equals("endpoint") && !member.equals("headers")) {
        throw ApiException.badRequest(
            "Unknown member \"" + member + "\" in \"" + field + "\"; expected endpoint, headers.");
      }
    }
    String endpoint = Json.string(object, "endpoint");
    checkEndpoint(field, endpoint);
    Map<String, String> headers = Json.stringMap(object, "headers");
    return new ConfigSettings.TelemetryDestination(
        endpoint, keepMaskedHeaders(headers == null ? Map.of() : headers, current));
  }

  static void checkEndpoint(String field, @Nullable String endpoint) {
    boolean ok = false;
    if (endpoint != null) {
      try {
        URI uri = URI.create(endpoint.trim());
        ok =
            ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                && uri.getHost() != null;
      } catch (IllegalArgumentException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw ApiException.badRequest(
          field
              + " endpoint must be an http or https URL including the signal path, e.g."
              + " https://otlp.example.com:4318/v1/metrics.");
    }
  }

  static Map<String, String> keepMaskedHeaders(
      Map<String, String> headers, ConfigSettings.@Nullable TelemetryDestination current) {
    Map<String, String> out = new TreeMap<>();
    headers.forEach(
        (k, v) -> {
          if (Secrets.MASK.equals(v)) {
            String stored = current == null ? null : current.headers().get(k);
            if (stored == null) {
              throw ApiException.badRequest(
                  "Header \"" + k + "\" has the masked placeholder but no stored value to keep.");
            }
            out.put(k, stored);
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  private void previewSelector(Context ctx) {
    ObjectNode body = Json.object(ctx, Set.of("selector", "samples", "config"));
    String text = Json.string(body, "selector");
    if (text == null) {
      throw ApiException.badRequest(
          "The body needs \"selector\", e.g. {\"selector\": \"env=prod\"}.");
    }
    Integer samples = Json.integer(body, "samples");
    if (samples != null && (samples < 0 || samples > 50)) {
      throw ApiException.badRequest("\"samples\" is " + samples + " (expected: 0 to 50).");
    }
    SelectorPreviews.Preview preview =
        SelectorPreviews.preview(
            services,
            Selector.parse(text),
            samples == null ? 5 : samples,
            Json.string(body, "config"));
    Json.write(ctx, 200, preview.toJson());
  }

  private void summary(Context ctx) {
    Json.write(ctx, 200, ApiJson.summary(services.fleetView().summary()));
  }

  private Map<String, ConfigStats> stats() {
    FleetView view = services.fleetView();
    return ConfigStats.compute(services.inventory().all(), view, services.configs());
  }

  private Map<String, String> versionFiles(String name, int n) {
    return services
        .configs()
        .version(name, n)
        .map(ConfigVersion::files)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "Unknown version", "Configuration \"" + name + "\" has no version " + n + "."));
  }

  static String who(Context ctx) {
    return AccessControl.require(ctx).name();
  }

  private static int pathInt(Context ctx, String name) {
    try {
      return Integer.parseInt(ctx.pathParam(name));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          name + " \"" + ctx.pathParam(name) + "\" is not a version number.");
    }
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String text = ctx.queryParam(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min || value > max) {
        throw ApiException.badRequest(
            name + "=" + text + " is out of range (expected: " + min + " to " + max + ").");
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + "=" + text + " is not a whole number.");
    }
  }

  static byte[] readResource(String path) {
    try (InputStream in = ApiRoutes.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("could not read " + path, e);
    }
  }

  static String readText(String path) {
    return new String(readResource(path), StandardCharsets.UTF_8);
  }
}
