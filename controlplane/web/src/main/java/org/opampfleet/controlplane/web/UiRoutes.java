/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.config.SelectorParseException;
import org.opampfleet.controlplane.web.view.Pages;

/**
 * The web UI's routes: pages, form posts, fragments and the live-update stream.
 *
 * <p><b>Thread safety:</b> thread-safe; handlers run on Jetty's request threads.
 */
final class UiRoutes {
  private static final Map<String, String[]> PLACEHOLDERS =
      Map.of(
          "rollouts",
          new String[] {
            "Rollouts",
            "Move a fleet from one configuration version to the next in stages, with a health gate"
                + " and automatic rollback.",
            "Today a save reaches every matching agent at once: PUT /api/v1/configs/{name}; watch"
                + " it with GET /api/v1/configs/{name} (agents.status) and restore a version by"
                + " saving its files again."
          },
          "packages",
          new String[] {
            "Packages",
            "A catalogue of agent packages with signatures, per-agent install status and upgrades"
                + " launched as rollouts.",
            "Not available through the API yet."
          },
          "certificates",
          new String[] {
            "Certificates",
            "The certificate authority, per-agent client certificates, expiry warnings, CSR"
                + " approval, rotation and revocation.",
            "Not available through the API yet."
          },
          "audit",
          new String[] {
            "Audit",
            "Who changed what and when: configuration saves, label edits, restarts, with filters"
                + " and CSV export.",
            "Today each agent's timeline records label edits and restarts: GET"
                + " /api/v1/agents/{uid}/timeline; configuration versions record author, time and"
                + " note: GET /api/v1/configs/{name}/versions."
          },
          "settings",
          new String[] {
            "Settings",
            "Server information, status thresholds, confirmation limits, secret patterns, API"
                + " tokens and enrollment.",
            "API tokens are managed by the control plane's command line today. Per-configuration"
                + " settings (heartbeat, own telemetry): PUT /api/v1/configs/{name}/settings."
          });

  private final UiKit kit;
  private final AccessControl access;
  private final LiveHub hub;
  private final OverviewUi overview;
  private final AgentsUi agents;
  private final AgentUi agent;
  private final ConfigsUi configs;
  private final ConfigEditorUi editor;

  UiRoutes(UiKit kit, AccessControl access, LiveHub hub) {
    this.kit = kit;
    this.access = access;
    this.hub = hub;
    this.overview = new OverviewUi(kit);
    this.agents = new AgentsUi(kit);
    this.agent = new AgentUi(kit);
    this.configs = new ConfigsUi(kit, agents);
    this.editor = new ConfigEditorUi(kit);
  }

  void register(RoutesConfig routes) {
    routes.get("/login", this::loginPage);
    routes.post("/login", this::login);
    routes.post("/logout", this::logout);
    routes.get("/", overview::page);
    routes.get("/agents", agents::page);
    routes.get("/agents/{uid}", agent::page);
    routes.get("/agents/{uid}/{tab}", agent::page);
    routes.post("/ui/agents/{uid}/labels", agent::saveLabels);
    routes.post("/ui/agents/{uid}/restart", agent::restart);
    routes.post("/ui/agents/{uid}/delete", agent::delete);
    routes.post("/ui/agents/{uid}/assign", agent::assign);
    routes.get("/configs", configs::list);
    routes.get("/configs/new", editor::newPage);
    routes.get("/configs/{name}", configs::page);
    routes.get("/configs/{name}/edit", editor::editPage);
    routes.get("/configs/{name}/versions/{n}", configs::version);
    routes.get("/configs/{name}/{tab}", configs::page);
    routes.post("/ui/configs/submit", editor::submit);
    routes.post("/ui/configs/validate", editor::validate);
    routes.post("/ui/configs/{name}/settings", configs::saveSettings);
    routes.post("/ui/configs/{name}/delete", configs::delete);
    routes.post("/ui/selector/preview", this::selectorPreview);
    for (String name : PLACEHOLDERS.keySet()) {
      routes.get("/" + name, ctx -> placeholder(ctx, name));
    }
    routes.sse("/ui/events", this::events);
  }

  private void loginPage(Context ctx) {
    String next = safeNext(ctx.queryParam("next"));
    if (access.mode() == AuthMode.LOCAL_DEVELOPMENT) {
      ctx.redirect(next, HttpStatus.SEE_OTHER);
      return;
    }
    renderLogin(ctx, 200, next, null);
  }

  private void login(Context ctx) {
    String next = safeNext(ctx.formParam("next"));
    if (access.mode() == AuthMode.LOCAL_DEVELOPMENT) {
      ctx.redirect(next, HttpStatus.SEE_OTHER);
      return;
    }
    String token = Optional.ofNullable(ctx.formParam("token")).orElse("");
    if (token.isBlank()) {
      renderLogin(ctx, 400, next, "Paste an API token to sign in.");
      return;
    }
    if (access.signIn(ctx, token).isEmpty()) {
      renderLogin(
          ctx,
          401,
          next,
          "That token is not valid. Check that you copied all of it, and that it has not been"
              + " revoked.");
      return;
    }
    ctx.redirect(next, HttpStatus.SEE_OTHER);
  }

  private void renderLogin(Context ctx, int status, String next, @Nullable String error) {
    kit.page(
        ctx,
        status,
        "pages/login.jte",
        "frame",
        kit.frame(ctx, "Sign in", "", null),
        "next",
        next,
        "error",
        error);
  }

  private void logout(Context ctx) {
    access.signOut(ctx);
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  /** Returns a local path to go to after login: never another site. */
  static String safeNext(@Nullable String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.contains("\\")
        || next.startsWith("/login")
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }

  private void placeholder(Context ctx, String name) {
    String[] text = PLACEHOLDERS.get(name);
    kit.page(
        ctx,
        200,
        "pages/placeholder.jte",
        "frame",
        kit.frame(ctx, text[0], name, null),
        "what",
        text[1],
        "today",
        text[2]);
  }

  private void selectorPreview(Context ctx) {
    String text = Optional.ofNullable(ctx.formParam("selector")).orElse("");
    String exclude = ctx.formParam("config");
    Pages.Preview preview;
    try {
      SelectorPreviews.Preview p =
          SelectorPreviews.preview(
              kit.services(),
              Selector.parse(text),
              5,
              exclude == null || exclude.isBlank() ? null : exclude);
      List<Pages.Entry> samples = new ArrayList<>();
      p.preview()
          .samples()
          .forEach(a -> samples.add(new Pages.Entry(a.instanceUid().toString(), a.displayName())));
      List<Pages.Entry> resolution = new ArrayList<>();
      p.preview().resolution().forEach((k, v) -> resolution.add(new Pages.Entry(k, v)));
      List<String> overlaps = new ArrayList<>();
      p.overlaps()
          .forEach(
              o ->
                  overlaps.add(
                      o.count() + " also match " + o.name() + " (priority " + o.priority() + ")"));
      preview =
          new Pages.Preview(
              text,
              null,
              0,
              p.preview().matching(),
              p.preview().connected(),
              p.total(),
              samples,
              resolution,
              overlaps);
    } catch (SelectorParseException e) {
      preview =
          new Pages.Preview(
              text, e.problem(), e.column(), 0, 0, 0, List.of(), List.of(), List.of());
    }
    ctx.html(kit.templates().render("parts/selectorPreview.jte", "p", preview));
  }

  private void events(SseClient client) {
    Context ctx = client.ctx();
    Map<String, List<String>> params = ctx.queryParamMap();
    String view = AgentUi.first(params, "view", "");
    LiveHub.View live;
    List<String> baseline = null;
    try {
      switch (view) {
        case "overview" -> live = overview.live();
        case "agents" -> {
          live = agents.live(params, "/agents", null);
          baseline = agents.rows(params, "/agents", null);
        }
        case "configagents" -> {
          String name =
              kit.commands().config(AgentUi.first(params, "name", "")).configuration().name();
          live = agents.live(params, "/configs/" + name + "/agents", name);
          baseline = agents.rows(params, "/configs/" + name + "/agents", name);
        }
        case "agent" -> {
          var uid = FleetCommands.uid(AgentUi.first(params, "uid", ""));
          String tab = AgentUi.first(params, "tab", "overview");
          Map<String, List<String>> rest = new java.util.LinkedHashMap<>(params);
          rest.remove("view");
          rest.remove("uid");
          rest.remove("tab");
          live = agent.live(uid, tab, rest);
        }
        case "configs" ->
            live =
                configs.listLive(
                    AgentUi.first(params, "q", ""), AgentUi.first(params, "sort", "name"));
        case "config" ->
            live =
                configs.live(
                    kit.commands().config(AgentUi.first(params, "name", "")).configuration().name(),
                    AgentUi.first(params, "tab", "status"));
        default -> {
          client.close();
          return;
        }
      }
    } catch (ApiException e) {
      client.close();
      return;
    }
    client.keepAlive();
    LiveHub.Resume resume =
        ctx.header("Last-Event-ID") != null ? LiveHub.Resume.RESUMED : LiveHub.Resume.FRESH;
    Runnable unsubscribe = hub.subscribe(live, new SseSink(client), baseline, resume);
    client.onClose(unsubscribe);
    client.sendComment("connected");
  }

  /** An SSE connection as a {@link LiveHub.Sink}. */
  private record SseSink(SseClient client) implements LiveHub.Sink {
    @Override
    public boolean isOpen() {
      return !client.terminated();
    }

    @Override
    public void send(String event, String data, long id) {
      client.sendEvent(event, data, Long.toString(id));
    }

    @Override
    public void comment(String text) {
      client.sendComment(text);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
