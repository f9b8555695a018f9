/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.controlplane.web.view.AgentRow;
import org.opampfleet.controlplane.web.view.DiffView;
import org.opampfleet.controlplane.web.view.Pages;
import org.opampfleet.controlplane.web.view.Secrets;
import org.opampfleet.controlplane.web.view.YamlNormaliser;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * One agent's page, {@code /agents/{uid}} and its tabs (UI guide 2.3), and its actions: labels,
 * direct assignment, restart, delete.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class AgentUi {
  static final List<String> TABS =
      List.of("overview", "config", "health", "telemetry", "components", "timeline");
  private static final Map<String, String> NOTICES =
      Map.of(
          "restart",
          "Restart requested. The agent restarts when it receives the command; expect a telemetry"
              + " gap of a few seconds.",
          "labels",
          "Labels saved.",
          "assigned",
          "Assignment saved; the agent gets its new configuration now (or when it reconnects).");

  private final UiKit kit;

  AgentUi(UiKit kit) {
    this.kit = kit;
  }

  void page(Context ctx) {
    String tab = ctx.pathParamMap().getOrDefault("tab", "overview");
    if (!TABS.contains(tab)) {
      throw ApiException.notFound("No such tab", "Agent pages have no tab \"" + tab + "\".");
    }
    AgentView view = kit.commands().agent(ctx.pathParam("uid"));
    String notice = NOTICES.get(Optional.ofNullable(ctx.queryParam("notice")).orElse(""));
    render(ctx, 200, view, tab, ctx.queryParamMap(), null, null, null, notice);
  }

  void render(
      Context ctx,
      int status,
      AgentView view,
      String tab,
      Map<String, List<String>> params,
      @Nullable String labelsText,
      @Nullable String labelsError,
      @Nullable String labelsWarning,
      @Nullable String notice) {
    Pages.Agent m = model(view, tab, params, labelsText, labelsError, labelsWarning, notice);
    kit.page(
        ctx,
        status,
        "pages/agent.jte",
        "frame",
        kit.frame(ctx, m.row().name(), "agents", liveUrl(view, tab, params)),
        "m",
        m);
  }

  static String liveUrl(AgentView view, String tab, Map<String, List<String>> params) {
    Map<String, List<String>> live = new LinkedHashMap<>();
    live.put("view", List.of("agent"));
    live.put("uid", List.of(view.agent().instanceUid().toString()));
    live.put("tab", List.of(tab));
    params.forEach(
        (k, v) -> {
          if (!live.containsKey(k) && !k.equals("notice")) {
            live.put(k, v);
          }
        });
    return "/ui/events" + UiKit.query(live);
  }

  LiveHub.View live(InstanceUid uid, String tab, Map<String, List<String>> params) {
    String key = "agent:" + uid + ":" + tab + ":" + new TreeMap<>(params);
    return new LiveHub.View() {
      @Override
      public String key() {
        return key;
      }

      @Override
      public boolean isAffectedBy(LiveHub.Changes changes) {
        return changes.agent(uid) || !changes.configs().isEmpty();
      }

      @Override
      public LiveHub.@Nullable Update render(LiveHub.Changes changes) {
        Optional<AgentView> view = kit.services().fleetView().agent(uid);
        if (view.isEmpty()) {
          return new LiveHub.Update(kit.templates().render("parts/agentGone.jte"), "", null, "");
        }
        Pages.Agent m = model(view.get(), tab, params, null, null, null, null);
        String html =
            kit.templates().render("parts/agentStatus.jte", "m", m, "oob", true)
                + kit.templates().render("parts/agentLive.jte", "m", m, "oob", true);
        return new LiveHub.Update(html, "", null, "");
      }
    };
  }

  Pages.Agent model(
      AgentView view,
      String tab,
      Map<String, List<String>> params,
      @Nullable String labelsText,
      @Nullable String labelsError,
      @Nullable String labelsWarning,
      @Nullable String notice) {
    Agent a = view.agent();
    Instant now = kit.now();
    String base = "/agents/" + a.instanceUid();
    List<Pages.Tab> tabs = new ArrayList<>();
    for (String t : TABS) {
      tabs.add(
          new Pages.Tab(
              t,
              switch (t) {
                case "config" -> "Configuration";
                case "telemetry" -> "Telemetry (planned)";
                default -> Character.toUpperCase(t.charAt(0)) + t.substring(1);
              },
              t.equals("overview") ? base : base + "/" + t,
              t.equals(tab)));
    }
    List<Pages.Entry> labels = entries(a.labels());
    StringBuilder text = new StringBuilder();
    a.labels().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    List<Pages.Capability> caps = new ArrayList<>();
    for (AgentCapability c : AgentCapability.values()) {
      caps.add(
          new Pages.Capability(
              org.opampfleet.controlplane.web.view.Format.capability(c), a.hasCapability(c)));
    }
    boolean accepts = a.hasCapability(AgentCapability.ACCEPTS_RESTART_COMMAND);
    boolean connected = a.connection().connected();
    String restartReason =
        !accepts
            ? "Restart is not available: the agent did not report the AcceptsRestartCommand"
                + " capability."
            : !connected ? "Restart is not available: the agent is not connected." : "";

    // Configuration tab.
    Optional<ConfigService.Entry> desired = kit.services().configs().desiredFor(a);
    String assignment;
    List<String> others = new ArrayList<>();
    if (desired.isEmpty()) {
      assignment = "No configuration matches; the agent runs its local configuration.";
    } else {
      ConfigVersion v = desired.get().latest();
      assignment =
          a.directConfig() != null && a.directConfig().equals(v.name())
              ? v.label() + " — assigned directly to this agent"
              : v.label()
                  + " — selected by \""
                  + (v.selector().isEmpty() ? "(every agent)" : v.selector())
                  + "\", priority "
                  + v.priority();
      for (ConfigService.Entry e : kit.services().configs().matching(a)) {
        if (!e.configuration().name().equals(v.name())) {
          others.add(
              e.configuration().name()
                  + " (priority "
                  + e.latest().priority()
                  + ") — not used because "
                  + (a.directConfig() != null
                      ? "of the direct assignment"
                      : v.name() + " (priority " + v.priority() + ") wins"));
        }
      }
    }
    List<String> configNames = new ArrayList<>();
    kit.services().configs().catalog().forEach(e -> configNames.add(e.configuration().name()));
    String viewMode = first(params, "view", "split");
    if (!List.of("split", "unified", "desired", "effective").contains(viewMode)) {
      viewMode = "split";
    }
    List<String> norm = params.get("norm");
    boolean normalise = norm == null || norm.isEmpty() || norm.contains("1");
    boolean reveal = "1".equals(first(params, "reveal", "0"));
    Map<String, String> desiredFiles = desired.map(e -> e.latest().files()).orElse(Map.of());
    Map<String, String> effectiveFiles = a.effectiveConfig();
    List<String> files = new ArrayList<>(new java.util.TreeSet<>(desiredFiles.keySet()));
    effectiveFiles.keySet().stream().filter(f -> !files.contains(f)).forEach(files::add);
    String file = first(params, "file", "");
    if (!file.isEmpty() && files.contains(file)) {
      desiredFiles = only(desiredFiles, file);
      effectiveFiles = only(effectiveFiles, file);
    } else {
      file = "";
    }
    if (!reveal) {
      desiredFiles = Secrets.maskFiles(desiredFiles);
      effectiveFiles = Secrets.maskFiles(effectiveFiles);
    }
    if (normalise) {
      desiredFiles = YamlNormaliser.normaliseFiles(desiredFiles);
      effectiveFiles = YamlNormaliser.normaliseFiles(effectiveFiles);
    }
    DiffView diff = null;
    if (tab.equals("config")) {
      diff =
          DiffView.of(
              desiredFiles,
              effectiveFiles,
              desired.map(e -> "Desired " + e.latest().label()).orElse("Desired (none)"),
              "Effective"
                  + (a.effectiveConfigReportedAt() == null
                      ? ""
                      : ", reported "
                          + org.opampfleet.controlplane.web.view.Format.time(
                              a.effectiveConfigReportedAt())),
              3);
    }

    // Health tab.
    boolean onlyProblems = "problems".equals(first(params, "only", ""));
    Pages.HealthNode health =
        a.health() == null ? null : healthNode("agent", a.health(), onlyProblems);

    // Components tab.
    List<Pages.Component> components = List.of();
    if (tab.equals("components") && a.availableComponents() != null) {
      components =
          components(
              a.availableComponents(),
              used(desired.map(e -> e.latest().files()).orElse(Map.of())),
              used(a.effectiveConfig()));
    }

    // Timeline (the overview shows the last ten).
    String types = first(params, "types", "");
    Set<String> wanted = new HashSet<>();
    for (String t : types.split(",")) {
      if (!t.isBlank()) {
        wanted.add(t.trim().toUpperCase(Locale.ROOT));
      }
    }
    Instant before = null;
    String beforeText = first(params, "before", "");
    if (!beforeText.isEmpty()) {
      try {
        before = Instant.parse(beforeText);
      } catch (DateTimeParseException e) {
        before = null;
      }
    }
    int limit = tab.equals("timeline") ? 50 : 10;
    List<AgentEvent> events = new ArrayList<>();
    List<AgentEvent> fetched =
        kit.services()
            .inventory()
            .timeline(a.instanceUid(), before, wanted.isEmpty() ? limit : limit * 4);
    for (AgentEvent e : fetched) {
      if (events.size() < limit && (wanted.isEmpty() || wanted.contains(e.kind().name()))) {
        events.add(e);
      }
    }
    String olderHref = null;
    if (tab.equals("timeline") && fetched.size() >= limit && !fetched.isEmpty()) {
      olderHref =
          base
              + "/timeline?before="
              + UiKit.encode(fetched.get(fetched.size() - 1).time().toString())
              + (types.isEmpty() ? "" : "&types=" + UiKit.encode(types));
    }

    return new Pages.Agent(
        view,
        AgentRow.of(view, now),
        tab,
        tabs,
        entries(a.identifyingAttributes()),
        entries(a.nonIdentifyingAttributes()),
        labels,
        labelsText != null ? labelsText : text.toString(),
        labelsError,
        labelsWarning,
        caps,
        events,
        accepts && connected,
        restartReason,
        !connected,
        assignment,
        others,
        configNames,
        a.directConfig() == null ? "" : a.directConfig(),
        viewMode,
        files,
        file,
        normalise,
        reveal,
        String.join("\n", desiredFiles.values()),
        String.join("\n", effectiveFiles.values()),
        diff,
        health,
        onlyProblems,
        components,
        olderHref,
        types,
        notice,
        now);
  }

  /** Saves labels typed as {@code key=value} lines; asks first when the assignment would change. */
  void saveLabels(Context ctx) {
    AgentView view = kit.commands().agent(ctx.pathParam("uid"));
    Agent a = view.agent();
    String text = Optional.ofNullable(ctx.formParam("labels")).orElse("");
    Map<String, String> labels = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      String trimmed = line.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        problems.add("line " + n + ": write each label as key=value");
        continue;
      }
      String key = trimmed.substring(0, eq).trim();
      String value = trimmed.substring(eq + 1).trim();
      LabelSyntax.checkKey(key).ifPresent(p -> problems.add(p));
      LabelSyntax.checkValue(key, value).ifPresent(p -> problems.add(p));
      labels.put(key, value);
    }
    if (!problems.isEmpty()) {
      render(ctx, 400, view, "overview", Map.of(), text, String.join("; ", problems), null, null);
      return;
    }
    ConfigService configs = kit.services().configs();
    Optional<ConfigService.Entry> was = configs.desiredFor(a);
    Optional<ConfigService.Entry> will = configs.desiredFor(a.toBuilder().labels(labels).build());
    String wasName = was.map(e -> e.latest().label()).orElse("its local configuration");
    String willName = will.map(e -> e.latest().label()).orElse("its local configuration");
    if (!wasName.equals(willName) && !"1".equals(ctx.formParam("confirm"))) {
      render(
          ctx,
          200,
          view,
          "overview",
          Map.of(),
          text,
          null,
          "This agent will switch from " + wasName + " to " + willName + ".",
          null);
      return;
    }
    kit.commands().replaceLabels(a.instanceUid(), labels, ApiRoutes.who(ctx));
    ctx.redirect(
        "/agents/" + a.instanceUid() + "?notice=labels", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  void restart(Context ctx) {
    AgentView view = kit.commands().agent(ctx.pathParam("uid"));
    try {
      kit.commands().restart(view.agent().instanceUid(), ApiRoutes.who(ctx));
    } catch (ApiException e) {
      renderRefusal(ctx, view, e);
      return;
    }
    ctx.redirect(
        "/agents/" + view.agent().instanceUid() + "?notice=restart",
        io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /** Shows the agent's overview again with the reason an action was refused. */
  private void renderRefusal(Context ctx, AgentView view, ApiException e) {
    render(
        ctx,
        e.problem().status(),
        view,
        "overview",
        Map.of(),
        null,
        null,
        null,
        e.problem().detail());
  }

  void delete(Context ctx) {
    AgentView view = kit.commands().agent(ctx.pathParam("uid"));
    try {
      kit.commands().deleteAgent(view.agent().instanceUid());
    } catch (ApiException e) {
      renderRefusal(ctx, view, e);
      return;
    }
    ctx.redirect("/agents", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  void assign(Context ctx) {
    AgentView view = kit.commands().agent(ctx.pathParam("uid"));
    String name = Optional.ofNullable(ctx.formParam("config")).orElse("").trim();
    kit.commands().assign(view.agent().instanceUid(), name.isEmpty() ? null : name);
    ctx.redirect(
        "/agents/" + view.agent().instanceUid() + "/config?notice=assigned",
        io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private static Pages.@Nullable HealthNode healthNode(
      String name, ComponentHealth h, boolean onlyProblems) {
    List<Pages.HealthNode> children = new ArrayList<>();
    boolean childProblem = false;
    for (Map.Entry<String, ComponentHealth> e :
        new TreeMap<>(h.getComponentHealthMapMap()).entrySet()) {
      Pages.HealthNode child = healthNode(e.getKey(), e.getValue(), onlyProblems);
      if (child != null) {
        children.add(child);
        childProblem |= !child.state().equals("Healthy");
      }
    }
    // Problems first.
    children.sort(
        (x, y) -> Boolean.compare(x.state().equals("Healthy"), y.state().equals("Healthy")));
    String state;
    String tone;
    String icon;
    if (!h.getHealthy()) {
      state = "Unhealthy";
      tone = "error";
      icon = "i-error";
    } else if (childProblem || !h.getLastError().isEmpty()) {
      state = "Degraded";
      tone = "warn";
      icon = "i-warn";
    } else {
      state = "Healthy";
      tone = "ok";
      icon = "i-ok";
    }
    if (onlyProblems && state.equals("Healthy") && !name.equals("agent")) {
      return null;
    }
    return new Pages.HealthNode(
        name,
        state,
        tone,
        icon,
        h.getStatus(),
        h.getLastError(),
        ApiJson.nanos(h.getStartTimeUnixNano()),
        ApiJson.nanos(h.getStatusTimeUnixNano()),
        !state.equals("Healthy"),
        children);
  }

  private static List<Pages.Component> components(
      AvailableComponents available, Set<String> inDesired, Set<String> inEffective) {
    List<Pages.Component> out = new ArrayList<>();
    for (Map.Entry<String, ComponentDetails> kind :
        new TreeMap<>(available.getComponentsMap()).entrySet()) {
      Map<String, ComponentDetails> subs = kind.getValue().getSubComponentMapMap();
      if (subs.isEmpty()) {
        out.add(new Pages.Component("", kind.getKey(), details(kind.getValue()), false, false));
        continue;
      }
      for (Map.Entry<String, ComponentDetails> sub : new TreeMap<>(subs).entrySet()) {
        String id = kind.getKey() + "/" + sub.getKey();
        out.add(
            new Pages.Component(
                kind.getKey(),
                sub.getKey(),
                details(sub.getValue()),
                inDesired.contains(id),
                inEffective.contains(id)));
      }
    }
    return out;
  }

  private static String details(ComponentDetails d) {
    List<String> parts = new ArrayList<>();
    for (KeyValue kv : d.getMetadataList()) {
      parts.add(kv.getKey() + "=" + anyValue(kv.getValue()));
    }
    return String.join(", ", parts);
  }

  private static String anyValue(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> "…";
    };
  }

  /** Returns {@code kind/type} of every component a collector configuration defines. */
  static Set<String> used(Map<String, String> files) {
    Set<String> out = new HashSet<>();
    for (String text : files.values()) {
      Object doc;
      try {
        doc =
            new Load(LoadSettings.builder().setMaxAliasesForCollections(50).build())
                .loadFromString(text);
      } catch (YamlEngineException e) {
        continue;
      }
      if (!(doc instanceof Map<?, ?> root)) {
        continue;
      }
      for (String kind :
          List.of("receivers", "processors", "exporters", "extensions", "connectors")) {
        if (root.get(kind) instanceof Map<?, ?> defined) {
          for (Object id : defined.keySet()) {
            String type = String.valueOf(id);
            int slash = type.indexOf('/');
            out.add(kind + "/" + (slash < 0 ? type : type.substring(0, slash)));
          }
        }
      }
    }
    return out;
  }

  private static Map<String, String> only(Map<String, String> files, String name) {
    String text = files.get(name);
    return text == null ? Map.of() : Map.of(name, text);
  }

  private static List<Pages.Entry> entries(Map<String, String> map) {
    List<Pages.Entry> out = new ArrayList<>();
    map.forEach((k, v) -> out.add(new Pages.Entry(k, v)));
    return out;
  }

  static String first(Map<String, List<String>> params, String name, String fallback) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() || values.get(0) == null
        ? fallback
        : values.get(0).trim();
  }
}
