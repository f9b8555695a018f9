/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The control plane's HTTP listener for people and tools: the REST API under {@code /api/v1}
 * (described by {@code /api/v1/openapi.yaml}), the web UI, its live-update stream, and optionally
 * {@code /metrics}.
 *
 * <pre>{@code
 * WebServer server = WebServer.builder()
 *     .services(new WebServices(inventory, configs, delivery, fleetView, apiTokens, events, clock))
 *     .host("0.0.0.0").port(4321)
 *     .authMode(AuthMode.TOKENS)
 *     .serverInfo(new ServerInfo("0.3.0", "ws://fleet.example.com:4320/v1/opamp"))
 *     .metrics(registry::scrape)
 *     .build();
 * server.start();
 * }</pre>
 *
 * <p><b>Authentication:</b> with {@link AuthMode#TOKENS} every API request needs {@code
 * Authorization: Bearer <token>} (401 problem detail with {@code WWW-Authenticate: Bearer}
 * otherwise); the UI asks for a token once and keeps a server-side session in an HttpOnly,
 * SameSite=Strict cookie; UI writes carry a per-session CSRF token; writes with a foreign {@code
 * Origin} are refused. {@link AuthMode#LOCAL_DEVELOPMENT} needs no credentials and logs a warning.
 * {@code /metrics} needs a token unless {@link Builder#metricsAccess(MetricsAccess)} opens it.
 * Token and header values are never logged.
 *
 * <p><b>Thread safety:</b> thread-safe. Requests run on a bounded Jetty pool ({@code web-*}
 * threads); live updates are rendered and sent once a second on one {@code web-live} thread.
 *
 * <p><b>Lifecycle:</b> {@link #start()} once, then {@link #stop()} (or {@link #close()}); a stopped
 * server cannot be started again.
 */
public final class WebServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WebServer.class.getName());
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final String REQUEST_ID = "opampfleet.requestId";

  private final Builder config;
  private final LiveHub hub = new LiveHub();
  private final Templates templates = new Templates();
  private final SecureRandom random = new SecureRandom();
  private @Nullable Javalin app;
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable AutoCloseable subscription;
  private boolean stopped;

  private WebServer(Builder config) {
    this.config = config;
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException if started before
   */
  public synchronized void start() {
    if (app != null || stopped) {
      throw new IllegalStateException("the web server was started before");
    }
    WebServices services = config.services;
    Sessions sessions =
        new Sessions(services.clock(), config.sessionIdleTimeout, config.sessionMaxAge, 10_000);
    AccessControl access =
        new AccessControl(config.authMode, services.apiTokens(), sessions, config.sessionMaxAge);
    FleetCommands commands = new FleetCommands(services);
    ActivityLog activity = new ActivityLog(services.clock());
    UiKit kit =
        new UiKit(
            services,
            commands,
            templates,
            config.serverInfo,
            config.authMode,
            activity,
            services.clock().instant());
    ApiRoutes api = new ApiRoutes(services, commands);
    UiRoutes ui = new UiRoutes(kit, access, hub);

    subscription =
        services
            .fleetEvents()
            .subscribe(
                event -> {
                  hub.onEvent(event);
                  activity.onEvent(event);
                });

    QueuedThreadPool pool = new QueuedThreadPool(64, 4);
    pool.setName("web");
    Javalin javalin =
        Javalin.create(
            c -> {
              configure(c, pool);
              c.routes.before(ctx -> before(ctx, access));
              api.register(c.routes);
              ui.register(c.routes);
              c.routes.get("/metrics", this::metrics);
              c.routes.exception(HttpResponseException.class, (e, ctx) -> fail(e, ctx));
              c.routes.exception(Exception.class, (e, ctx) -> fail(e, ctx));
              c.routes.error(404, ctx -> notFound(ctx));
            });
    javalin.start(config.host, config.port);
    app = javalin;

    ScheduledExecutorService live =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "web-live");
              t.setDaemon(true);
              return t;
            });
    long tick = config.liveInterval.toMillis();
    live.scheduleWithFixedDelay(() -> safely(hub::tick), tick, tick, TimeUnit.MILLISECONDS);
    live.scheduleWithFixedDelay(
        () -> safely(hub::heartbeat),
        HEARTBEAT.toMillis(),
        HEARTBEAT.toMillis(),
        TimeUnit.MILLISECONDS);
    scheduler = live;

    if (config.authMode == AuthMode.LOCAL_DEVELOPMENT) {
      LOG.log(
          Level.WARNING,
          "*** The web server on "
              + config.host
              + ":"
              + port()
              + " runs in LOCAL DEVELOPMENT mode: the API and the UI need NO credentials and"
              + " anyone who can reach this port can change the fleet. Never use this mode on"
              + " a reachable address. ***");
    }
    LOG.log(Level.INFO, "web UI and REST API listening on " + config.host + ":" + port());
  }

  /**
   * Returns the port it listens on (the actual one when built with port 0).
   *
   * @throws IllegalStateException if not started
   */
  public synchronized int port() {
    if (app == null) {
      throw new IllegalStateException("the web server is not started");
    }
    return app.port();
  }

  /** Stops listening and closes the live-update connections. Does nothing if not started. */
  public synchronized void stop() {
    stopped = true;
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "unsubscribing from fleet events failed: " + e.getMessage());
      }
      subscription = null;
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
    hub.closeAll();
    if (app != null) {
      app.stop();
      app = null;
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void configure(JavalinConfig c, QueuedThreadPool pool) {
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.jetty.threadPool = pool;
    c.http.maxRequestSize = 8L * 1024 * 1024;
    c.staticFiles.enableWebjars();
    c.staticFiles.add(
        sf -> {
          sf.hostedPath = "/static";
          sf.directory = "/org/opampfleet/controlplane/web/static";
          sf.location = Location.CLASSPATH;
        });
  }

  private void before(Context ctx, AccessControl access) {
    ctx.attribute(REQUEST_ID, newRequestId());
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Vary", "HX-Request");
    String path = ctx.path();
    if (path.startsWith("/static/") || path.startsWith("/webjars/")) {
      return;
    }
    ctx.header(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    ctx.header("Cache-Control", "no-store");
    if (path.equals("/ui/events")) {
      ctx.header("X-Accel-Buffering", "no");
    }
    AccessControl.checkOrigin(ctx);
    if (path.equals("/api/v1/openapi.yaml")
        || path.equals("/login")
        || path.equals("/favicon.ico")
        || (path.equals("/metrics") && config.metricsAccess == MetricsAccess.OPEN)) {
      access.authenticate(ctx); // optional: the login page shows who is signed in
      return;
    }
    AccessControl.Outcome outcome = access.authenticate(ctx);
    if (outcome != AccessControl.Outcome.OK) {
      throw new NotSignedIn(outcome);
    }
    AccessControl.checkCsrf(ctx);
  }

  /** Thrown by the access check; answered with 401 (API) or a redirect to the login page (UI). */
  private static final class NotSignedIn extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final AccessControl.Outcome outcome;

    NotSignedIn(AccessControl.Outcome outcome) {
      super("not signed in", null, false, false);
      this.outcome = outcome;
    }
  }

  private void metrics(Context ctx) {
    Supplier<String> metrics = config.metrics;
    if (metrics == null) {
      throw ApiException.notFound(
          "No metrics", "This server was started without a metrics endpoint.");
    }
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get());
  }

  private void fail(Exception e, Context ctx) {
    String requestId = requestId(ctx);
    boolean api = isApi(ctx);
    if (e instanceof NotSignedIn notSignedIn) {
      if (api) {
        ctx.header(
            "WWW-Authenticate",
            notSignedIn.outcome == AccessControl.Outcome.INVALID
                ? "Bearer realm=\"opampfleet\", error=\"invalid_token\""
                : "Bearer realm=\"opampfleet\"");
        Json.writeProblem(
            ctx,
            notSignedIn.outcome == AccessControl.Outcome.INVALID
                ? Problem.of(
                    401,
                    "unauthorized",
                    "Sign-in required",
                    "The API token is not valid: it may be mistyped, revoked or expired.")
                : ProblemMapper.byStatus(401, ""));
        return;
      }
      String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
      String login =
          "/login"
              + (ctx.method().equals(io.javalin.http.HandlerType.GET) && !next.equals("/")
                  ? "?next=" + UiKit.encode(UiRoutes.safeNext(next))
                  : "");
      if (UiKit.isHtmx(ctx) || ctx.path().startsWith("/ui/")) {
        ctx.header("HX-Redirect", login).status(401).result("");
      } else {
        ctx.redirect(login, HttpStatus.SEE_OTHER);
      }
      return;
    }
    Problem problem = ProblemMapper.map(e, requestId);
    if (problem.status() >= 500) {
      LOG.log(
          Level.ERROR,
          "request " + requestId + " (" + ctx.method() + " " + ctx.path() + ") failed",
          e);
    }
    if (api) {
      Json.writeProblem(ctx, problem);
    } else {
      renderError(ctx, problem, requestId);
    }
  }

  private void notFound(Context ctx) {
    String result = ctx.result();
    if (result != null && !result.isEmpty()) {
      return; // a handler answered 404 with its own body
    }
    Problem problem =
        isApi(ctx)
            ? ProblemMapper.byStatus(404, "")
            : Problem.of(
                404, "not-found", "Page not found", "There is no page at " + ctx.path() + ".");
    if (isApi(ctx)) {
      Json.writeProblem(ctx, problem);
    } else {
      renderError(ctx, problem, requestId(ctx));
    }
  }

  private void renderError(Context ctx, Problem problem, String requestId) {
    Principal p = AccessControl.principal(ctx);
    var frame =
        new org.opampfleet.controlplane.web.view.Pages.Frame(
            problem.title(),
            "",
            p == null ? null : p.name(),
            p == null || p.csrfToken() == null ? "" : p.csrfToken(),
            config.authMode == AuthMode.LOCAL_DEVELOPMENT,
            config.serverInfo.version(),
            null,
            config.services.clock().instant());
    String template = UiKit.isHtmx(ctx) ? "parts/errorInline.jte" : "pages/error.jte";
    ctx.status(problem.status())
        .html(
            templates.render(
                template,
                "frame",
                frame,
                "title",
                problem.title(),
                "detail",
                problem.detail(),
                "status",
                problem.status(),
                "requestId",
                problem.status() >= 500 ? requestId : null));
  }

  private static boolean isApi(Context ctx) {
    return ctx.path().startsWith("/api/") || ctx.path().equals("/metrics");
  }

  private static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    return id == null ? "unknown" : id;
  }

  private String newRequestId() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void safely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "live updates failed; trying again with the next tick", e);
    }
  }

  /**
   * Configures a {@link WebServer}. Not thread-safe.
   *
   * <p>Defaults: host {@code 0.0.0.0}, port 4321, {@link AuthMode#TOKENS}, {@link
   * ServerInfo#unknown()}, no metrics, {@link MetricsAccess#TOKEN}, sessions idle out after 8 hours
   * and end after 7 days, live updates at most once a second.
   */
  public static final class Builder {
    private @Nullable WebServices services;
    private String host = "0.0.0.0";
    private int port = 4321;
    private AuthMode authMode = AuthMode.TOKENS;
    private ServerInfo serverInfo = ServerInfo.unknown();
    private @Nullable Supplier<String> metrics;
    private MetricsAccess metricsAccess = MetricsAccess.TOKEN;
    private Duration sessionIdleTimeout = Duration.ofHours(8);
    private Duration sessionMaxAge = Duration.ofDays(7);
    private Duration liveInterval = Duration.ofSeconds(1);

    private Builder() {}

    /** Sets the core services (required). */
    public Builder services(WebServices value) {
      services = requireNonNull(value, "services");
      return this;
    }

    /** Sets the address to listen on. */
    public Builder host(String value) {
      host = requireNonNull(value, "host");
      return this;
    }

    /** Sets the port; 0 picks a free one (see {@link WebServer#port()}). */
    public Builder port(int value) {
      if (value < 0 || value > 65_535) {
        throw new IllegalArgumentException("port: " + value + " (expected: 0 to 65535)");
      }
      port = value;
      return this;
    }

    /** Sets how people and tools authenticate. */
    public Builder authMode(AuthMode value) {
      authMode = requireNonNull(value, "authMode");
      return this;
    }

    /** Sets what the UI shows about the server. */
    public Builder serverInfo(ServerInfo value) {
      serverInfo = requireNonNull(value, "serverInfo");
      return this;
    }

    /** Serves {@code GET /metrics} in the Prometheus text format from this supplier. */
    public Builder metrics(Supplier<String> value) {
      metrics = requireNonNull(value, "metrics");
      return this;
    }

    /** Sets who may read {@code /metrics}. */
    public Builder metricsAccess(MetricsAccess value) {
      metricsAccess = requireNonNull(value, "metricsAccess");
      return this;
    }

    /** Sets how long a UI session lasts without requests, and at most. */
    public Builder sessionTimeouts(Duration idle, Duration maxAge) {
      requireNonNull(idle, "idle");
      requireNonNull(maxAge, "maxAge");
      if (idle.isNegative() || idle.isZero() || maxAge.compareTo(idle) < 0) {
        throw new IllegalArgumentException(
            "session timeouts: idle " + idle + ", max " + maxAge + " (expected: 0 < idle <= max)");
      }
      sessionIdleTimeout = idle;
      sessionMaxAge = maxAge;
      return this;
    }

    /** Sets how often live updates are sent at most (default one second). */
    public Builder liveUpdateInterval(Duration value) {
      requireNonNull(value, "liveUpdateInterval");
      if (value.toMillis() < 50) {
        throw new IllegalArgumentException(
            "liveUpdateInterval: " + value + " (expected: at least 50 ms)");
      }
      liveInterval = value;
      return this;
    }

    /**
     * Builds the server (not started).
     *
     * @throws IllegalStateException if no services were set
     */
    public WebServer build() {
      if (services == null) {
        throw new IllegalStateException("services: not set (expected: the core services)");
      }
      return new WebServer(this);
    }
  }
}
