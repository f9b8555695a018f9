/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigDiff;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.status.AgentStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.controlplane.web.view.ConfigStats;
import org.opampfleet.controlplane.web.view.DiffView;
import org.opampfleet.controlplane.web.view.Pages;
import org.opampfleet.controlplane.web.view.Secrets;
import org.opampfleet.controlplane.web.view.StatusWords;

/**
 * The configurations list, {@code /configs}, and a configuration's pages (UI guide 2.4): status,
 * versions, one version, diff, matching agents and settings.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class ConfigsUi {
  static final List<String> TABS =
      List.of("status", "edit", "versions", "diff", "agents", "settings");

  private final UiKit kit;
  private final AgentsUi agents;

  ConfigsUi(UiKit kit, AgentsUi agents) {
    this.kit = kit;
    this.agents = agents;
  }

  // ---- List ----

  void list(Context ctx) {
    String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").trim();
    String sort = Optional.ofNullable(ctx.queryParam("sort")).orElse("name");
    kit.page(
        ctx,
        200,
        "pages/configs.jte",
        "frame",
        kit.frame(
            ctx,
            "Configurations",
            "configs",
            "/ui/events"
                + UiKit.query(
                    Map.of("view", List.of("configs"), "q", List.of(q), "sort", List.of(sort)))),
        "m",
        listModel(q, sort));
  }

  Pages.Configs listModel(String q, String sort) {
    Map<String, ConfigStats> stats =
        ConfigStats.compute(
            kit.services().inventory().all(), kit.services().fleetView(), kit.services().configs());
    List<Pages.ConfigRow> rows = new ArrayList<>();
    String needle = q.toLowerCase(Locale.ROOT);
    for (ConfigService.Entry e : kit.services().configs().catalog()) {
      ConfigVersion latest = e.latest();
      if (!needle.isEmpty()
          && !latest.name().contains(needle)
          && !latest.selector().toLowerCase(Locale.ROOT).contains(needle)) {
        continue;
      }
      ConfigStats s = stats.getOrDefault(latest.name(), ConfigStats.none());
      rows.add(
          new Pages.ConfigRow(
              latest.name(),
              latest.selector(),
              latest.priority(),
              latest,
              s.matching(),
              s.connected(),
              words(s),
              s.drifted(),
              s.shadowed()));
    }
    Comparator<Pages.ConfigRow> order =
        switch (sort) {
          case "changed" ->
              Comparator.comparing((Pages.ConfigRow r) -> r.latest().createdAt()).reversed();
          case "failed" ->
              Comparator.comparingInt((Pages.ConfigRow r) -> -r.status().get("failed"));
          default -> Comparator.comparing(Pages.ConfigRow::name);
        };
    rows.sort(order.thenComparing(Pages.ConfigRow::name));
    return new Pages.Configs(rows, q, sort, kit.now());
  }

  LiveHub.View listLive(String q, String sort) {
    return new LiveHub.View() {
      @Override
      public String key() {
        return "configs:" + q + ":" + sort;
      }

      @Override
      public boolean isAffectedBy(LiveHub.Changes changes) {
        return !changes.isEmpty();
      }

      @Override
      public LiveHub.Update render(LiveHub.Changes changes) {
        return new LiveHub.Update(
            kit.templates().render("parts/configsBody.jte", "m", listModel(q, sort), "oob", true),
            "",
            null,
            "");
      }
    };
  }

  // ---- One configuration ----

  void page(Context ctx) {
    String tab = ctx.pathParamMap().getOrDefault("tab", "status");
    if (!TABS.contains(tab) || tab.equals("edit")) {
      throw ApiException.notFound(
          "No such tab", "Configuration pages have no tab \"" + tab + "\".");
    }
    String name = kit.commands().config(ctx.pathParam("name")).configuration().name();
    String notice = notice(ctx);
    render(ctx, 200, name, tab, ctx.queryParamMap(), null, notice, null);
  }

  void version(Context ctx) {
    String name = kit.commands().config(ctx.pathParam("name")).configuration().name();
    render(ctx, 200, name, "version", ctx.queryParamMap(), ctx.pathParam("n"), null, null);
  }

  private static @Nullable String notice(Context ctx) {
    String saved = ctx.queryParam("saved");
    if (saved != null && saved.matches("\\d{1,9}")) {
      return "Saved v"
          + saved
          + ". The agents that should run it get it now; watch their status below.";
    }
    if ("settings".equals(ctx.queryParam("notice"))) {
      return "Settings saved.";
    }
    return null;
  }

  void render(
      Context ctx,
      int status,
      String name,
      String tab,
      Map<String, List<String>> params,
      @Nullable String versionText,
      @Nullable String notice,
      @Nullable String error) {
    Pages.Config m = model(name, tab, params, versionText, notice, error);
    String live =
        tab.equals("agents")
            ? AgentsUi.liveUrl(params, name)
            : "/ui/events"
                + UiKit.query(
                    Map.of("view", List.of("config"), "name", List.of(name), "tab", List.of(tab)));
    kit.page(
        ctx, status, "pages/config.jte", "frame", kit.frame(ctx, name, "configs", live), "m", m);
  }

  LiveHub.View live(String name, String tab) {
    return new LiveHub.View() {
      @Override
      public String key() {
        return "config:" + name + ":" + tab;
      }

      @Override
      public boolean isAffectedBy(LiveHub.Changes changes) {
        return !changes.isEmpty();
      }

      @Override
      public LiveHub.@Nullable Update render(LiveHub.Changes changes) {
        if (kit.services().configs().get(name).isEmpty()) {
          return null;
        }
        Pages.Config m = model(name, tab, Map.of(), null, null, null);
        String html = kit.templates().render("parts/configHeader.jte", "m", m, "oob", true);
        if (tab.equals("status")) {
          html += kit.templates().render("parts/configStatus.jte", "m", m, "oob", true);
        }
        return new LiveHub.Update(html, "", null, "");
      }
    };
  }

  Pages.Config model(
      String name,
      String tab,
      Map<String, List<String>> params,
      @Nullable String versionText,
      @Nullable String notice,
      @Nullable String error) {
    ConfigService.Entry entry = kit.commands().config(name);
    ConfigVersion latest = entry.latest();
    Instant now = kit.now();
    String base = "/configs/" + name;
    List<Pages.Tab> tabs = new ArrayList<>();
    for (String t : TABS) {
      tabs.add(
          new Pages.Tab(
              t,
              Character.toUpperCase(t.charAt(0)) + t.substring(1),
              t.equals("status") ? base : base + "/" + t,
              t.equals(tab) || (t.equals("versions") && tab.equals("version"))));
    }
    List<ConfigVersion> versions = kit.services().configs().versions(name);
    Map<String, Integer> versionByHash = new HashMap<>();
    versions.forEach(v -> versionByHash.putIfAbsent(v.hash(), v.version()));

    // One pass over the agents that should run this configuration.
    Map<String, Integer> notOnLatest = new LinkedHashMap<>();
    Map<String, Object[]> failures = new LinkedHashMap<>();
    List<Pages.Stuck> stuck = new ArrayList<>();
    Map<String, Integer> runningByHash = new HashMap<>();
    List<Agent> mine = new ArrayList<>();
    for (Agent agent : kit.services().inventory().all()) {
      AgentView view = kit.services().fleetView().view(agent);
      AgentStatus s = view.status();
      RemoteConfigReport report = agent.remoteConfig();
      if (report != null && report.status() == RemoteConfigReport.Status.APPLIED) {
        runningByHash.merge(report.hash(), 1, Integer::sum);
      }
      if (s.desired() == null || !s.desired().name().equals(name)) {
        continue;
      }
      mine.add(agent);
      if (s.config() != ConfigStatus.APPLIED) {
        String on =
            report == null || report.hash().isEmpty()
                ? "no remote configuration"
                : Optional.ofNullable(versionByHash.get(report.hash()))
                    .map(v -> "v" + v)
                    .orElse("another configuration");
        notOnLatest.merge(on, 1, Integer::sum);
      }
      if (s.config() == ConfigStatus.FAILED && report != null) {
        String message = Messages.normalise(report.errorMessage());
        Object[] group =
            failures.computeIfAbsent(message, k -> new Object[] {0, report.reportedAt()});
        group[0] = (Integer) group[0] + 1;
        if (report.reportedAt().isBefore((Instant) group[1])) {
          group[1] = report.reportedAt();
        }
      }
      if (s.config() == ConfigStatus.STUCK && stuck.size() < 20) {
        stuck.add(
            new Pages.Stuck(agent.instanceUid().toString(), agent.displayName(), s.configReason()));
      }
    }
    ConfigStats stats =
        ConfigStats.compute(mine, kit.services().fleetView(), kit.services().configs())
            .getOrDefault(name, ConfigStats.none());
    List<Pages.FailureGroup> failureGroups = new ArrayList<>();
    failures.forEach(
        (message, g) ->
            failureGroups.add(
                new Pages.FailureGroup(
                    message, (Integer) g[0], (Instant) g[1], base + "/agents?cfgstatus=failed")));
    failureGroups.sort((a, b) -> Integer.compare(b.count(), a.count()));

    List<Pages.VersionRow> versionRows = new ArrayList<>();
    if (tab.equals("versions")) {
      for (int i = 0; i < versions.size(); i++) {
        ConfigVersion v = versions.get(i);
        Map<String, String> previous =
            i + 1 < versions.size() ? versions.get(i + 1).files() : Map.of();
        int added = 0;
        int removed = 0;
        for (ConfigDiff.FileDiff f : ConfigDiff.between(previous, v.files(), "a", "b", 0).files()) {
          added += f.added();
          removed += f.removed();
        }
        versionRows.add(
            new Pages.VersionRow(v, added, removed, runningByHash.getOrDefault(v.hash(), 0)));
      }
    }

    ConfigVersion shown = null;
    if (versionText != null) {
      int n;
      try {
        n = Integer.parseInt(versionText);
      } catch (NumberFormatException e) {
        n = -1;
      }
      int wanted = n;
      shown =
          kit.services()
              .configs()
              .version(name, n)
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          "Unknown version",
                          "Configuration \"" + name + "\" has no version " + versionText + "."));
      if (wanted < 0) {
        shown = null;
      }
    }

    DiffView diff = null;
    int to = latest.version();
    int from = Math.max(0, to - 1);
    String viewMode =
        AgentUi.first(params, "view", "split").equals("unified") ? "unified" : "split";
    String context = AgentUi.first(params, "context", "3");
    if (tab.equals("diff")) {
      to = clamp(AgentUi.first(params, "to", Integer.toString(to)), to, 1, latest.version());
      from =
          clamp(
              AgentUi.first(params, "from", Integer.toString(to - 1)), to - 1, 0, latest.version());
      int lines =
          switch (context) {
            case "10" -> 10;
            case "all" -> 100_000;
            default -> 3;
          };
      if (!context.equals("10") && !context.equals("all")) {
        context = "3";
      }
      Map<String, String> fromFiles = from == 0 ? Map.of() : filesOf(name, from);
      diff = DiffView.of(fromFiles, filesOf(name, to), "v" + from, "v" + to, lines);
    }

    Pages.Agents agentList = null;
    if (tab.equals("agents")) {
      agentList = agents.model(params, base + "/agents", name).model();
    }

    ConfigSettings settings = entry.configuration().settings();
    List<Pages.Destination> destinations =
        List.of(
            destination("metrics", "Own metrics", settings.ownMetrics()),
            destination("logs", "Own logs", settings.ownLogs()),
            destination("traces", "Own traces", settings.ownTraces()));
    String fallback = tab.equals("settings") ? fallback(name, mine) : "";

    Map<String, Integer> status = words(stats);
    return new Pages.Config(
        latest,
        tab,
        tabs,
        stats.matching(),
        stats.connected(),
        status,
        stats.pendingConnected(),
        stats.pendingOffline(),
        notOnLatest,
        failureGroups,
        stuck,
        versionRows,
        shown,
        diff,
        from,
        to,
        viewMode,
        context,
        agentList,
        settings.heartbeatInterval() == null
            ? null
            : (int) settings.heartbeatInterval().toSeconds(),
        destinations,
        fallback,
        notice,
        error,
        now);
  }

  private String fallback(String name, List<Agent> mine) {
    Map<String, Integer> next = new TreeMap<>();
    for (Agent agent : mine) {
      String to = "their local configuration";
      if (agent.directConfig() == null || !agent.directConfig().equals(name)) {
        for (ConfigService.Entry e : kit.services().configs().matching(agent)) {
          if (!e.configuration().name().equals(name)) {
            to = e.latest().label();
            break;
          }
        }
      }
      next.merge(to, 1, Integer::sum);
    }
    if (next.isEmpty()) {
      return "No agent runs this configuration now.";
    }
    List<String> parts = new ArrayList<>();
    next.forEach((to, n) -> parts.add(n + (n == 1 ? " agent" : " agents") + " to " + to));
    return "After deleting, agents fall back: " + String.join(", ", parts) + ".";
  }

  void saveSettings(Context ctx) {
    String name = kit.commands().config(ctx.pathParam("name")).configuration().name();
    ConfigSettings current = kit.commands().config(name).configuration().settings();
    try {
      String hb = Optional.ofNullable(ctx.formParam("heartbeat")).orElse("").trim();
      Duration heartbeat = null;
      if (!hb.isEmpty()) {
        int seconds;
        try {
          seconds = Integer.parseInt(hb);
        } catch (NumberFormatException e) {
          seconds = -1;
        }
        if (seconds < 1 || seconds > 86_400) {
          throw ApiException.badRequest(
              "Heartbeat interval \""
                  + hb
                  + "\": expected whole seconds from 1 to 86400, or empty.");
        }
        heartbeat = Duration.ofSeconds(seconds);
      }
      ConfigSettings settings =
          new ConfigSettings(
              heartbeat,
              destinationFrom(ctx, "metrics", current.ownMetrics()),
              destinationFrom(ctx, "logs", current.ownLogs()),
              destinationFrom(ctx, "traces", current.ownTraces()));
      kit.commands().updateSettings(name, settings);
    } catch (ApiException e) {
      render(
          ctx, e.problem().status(), name, "settings", Map.of(), null, null, e.problem().detail());
      return;
    }
    ctx.redirect("/configs/" + name + "/settings?notice=settings", HttpStatus.SEE_OTHER);
  }

  void delete(Context ctx) {
    String name = kit.commands().config(ctx.pathParam("name")).configuration().name();
    String typed = Optional.ofNullable(ctx.formParam("confirmName")).orElse("").trim();
    if (!typed.equals(name)) {
      render(
          ctx,
          400,
          name,
          "settings",
          Map.of(),
          null,
          null,
          "Type the configuration's name, " + name + ", to delete it.");
      return;
    }
    kit.commands().deleteConfig(name);
    ctx.redirect("/configs", HttpStatus.SEE_OTHER);
  }

  private static ConfigSettings.@Nullable TelemetryDestination destinationFrom(
      Context ctx, String signal, ConfigSettings.@Nullable TelemetryDestination current) {
    String endpoint = Optional.ofNullable(ctx.formParam(signal + "Endpoint")).orElse("").trim();
    if (endpoint.isEmpty()) {
      return null;
    }
    ApiRoutes.checkEndpoint("Own " + signal, endpoint);
    Map<String, String> headers = new TreeMap<>();
    String text = Optional.ofNullable(ctx.formParam(signal + "Headers")).orElse("");
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        throw ApiException.badRequest(
            "Own "
                + signal
                + " headers: write each header as \"Name: value\" (\""
                + trimmed
                + "\").");
      }
      headers.put(trimmed.substring(0, colon).trim(), trimmed.substring(colon + 1).trim());
    }
    return new ConfigSettings.TelemetryDestination(
        endpoint, ApiRoutes.keepMaskedHeaders(headers, current));
  }

  private static Pages.Destination destination(
      String signal, String label, ConfigSettings.@Nullable TelemetryDestination d) {
    if (d == null) {
      return new Pages.Destination(signal, label, "", "");
    }
    StringBuilder headers = new StringBuilder();
    Secrets.maskHeaders(d.headers())
        .forEach((k, v) -> headers.append(k).append(": ").append(v).append('\n'));
    return new Pages.Destination(signal, label, d.endpoint(), headers.toString());
  }

  private Map<String, String> filesOf(String name, int n) {
    return kit.services()
        .configs()
        .version(name, n)
        .map(ConfigVersion::files)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "Unknown version", "Configuration \"" + name + "\" has no version " + n + "."));
  }

  private static int clamp(String text, int fallback, int min, int max) {
    try {
      int n = Integer.parseInt(text);
      return n < min || n > max ? fallback : n;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  static Map<String, Integer> words(ConfigStats s) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (ConfigStatus c : ConfigStatus.values()) {
      out.put(StatusWords.param(c), s.count(c));
    }
    return out;
  }
}
