/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.auth.ApiToken;
import org.opampfleet.controlplane.auth.ApiTokens;

/**
 * Decides who a request comes from: a bearer token, a UI session cookie, or nobody; and guards
 * writes against cross-site requests (an {@code Origin} check for every write, and a per-session
 * CSRF token for writes made with the cookie).
 *
 * <p>Token values, cookie values and header values are never logged or echoed.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class AccessControl {
  static final String SESSION_COOKIE = "opampfleet_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CSRF_FIELD = "_csrf";
  private static final String PRINCIPAL = "opampfleet.principal";

  private final AuthMode mode;
  private final ApiTokens tokens;
  private final Sessions sessions;
  private final Duration cookieMaxAge;
  private final String developmentCsrf;

  AccessControl(AuthMode mode, ApiTokens tokens, Sessions sessions, Duration cookieMaxAge) {
    this.mode = requireNonNull(mode, "mode");
    this.tokens = requireNonNull(tokens, "tokens");
    this.sessions = requireNonNull(sessions, "sessions");
    this.cookieMaxAge = requireNonNull(cookieMaxAge, "cookieMaxAge");
    this.developmentCsrf = sessions.randomToken();
  }

  AuthMode mode() {
    return mode;
  }

  /** The outcome of looking at a request's credentials. */
  enum Outcome {
    /** Authenticated. */
    OK,
    /** No credentials at all. */
    MISSING,
    /** Credentials that are wrong, expired or revoked. */
    INVALID
  }

  /** Authenticates a request and remembers the principal on it. */
  Outcome authenticate(Context ctx) {
    if (mode == AuthMode.LOCAL_DEVELOPMENT) {
      ctx.attribute(
          PRINCIPAL,
          new Principal("local-dev", Principal.Via.LOCAL_DEVELOPMENT, developmentCsrf, null));
      return Outcome.OK;
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      String prefix = "Bearer ";
      if (!authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return Outcome.INVALID;
      }
      Optional<ApiToken> token = tokens.verify(authorization.substring(prefix.length()).trim());
      if (token.isEmpty()) {
        return Outcome.INVALID;
      }
      ctx.attribute(PRINCIPAL, new Principal(token.get().name(), Principal.Via.BEARER, null, null));
      return Outcome.OK;
    }
    String cookie = ctx.cookie(SESSION_COOKIE);
    if (cookie == null || cookie.isEmpty()) {
      return Outcome.MISSING;
    }
    Optional<Sessions.Session> session = sessions.find(cookie);
    if (session.isEmpty()) {
      return Outcome.INVALID;
    }
    String tokenId = session.get().tokenId();
    if (tokens.list().stream().noneMatch(t -> t.id().equals(tokenId))) {
      sessions.remove(cookie); // the token was revoked
      return Outcome.INVALID;
    }
    ctx.attribute(
        PRINCIPAL,
        new Principal(
            session.get().principal(),
            Principal.Via.SESSION,
            session.get().csrfToken(),
            session.get().id()));
    return Outcome.OK;
  }

  /** Returns the authenticated principal, if {@link #authenticate} succeeded. */
  static @Nullable Principal principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  /** Returns the authenticated principal or fails with 401. */
  static Principal require(Context ctx) {
    Principal principal = principal(ctx);
    if (principal == null) {
      throw new ApiException(ProblemMapper.byStatus(401, ""));
    }
    return principal;
  }

  /** Returns whether a method changes state. */
  static boolean isWrite(HandlerType method) {
    // HandlerType is a record in Javalin 7, not an enum: compare by value.
    return !method.equals(HandlerType.GET)
        && !method.equals(HandlerType.HEAD)
        && !method.equals(HandlerType.OPTIONS);
  }

  /**
   * Rejects a write from another site: a browser's {@code Origin} must name this server. Requests
   * without {@code Origin} (CLI, scripts) pass.
   */
  static void checkOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || !isWrite(ctx.method())) {
      return;
    }
    String host = ctx.header("Host");
    String originHost;
    try {
      URI uri = URI.create(origin);
      originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      originHost = null;
    }
    if (host == null || originHost == null || !host.equalsIgnoreCase(originHost)) {
      throw new ApiException(
          Problem.of(
              403,
              "cross-site-request",
              "Request from another site refused",
              "This server only accepts changes made from its own pages or from clients that"
                  + " send no Origin header."));
    }
  }

  /**
   * Requires the CSRF token on a write made with the session cookie (or in local development mode),
   * from the {@value #CSRF_HEADER} header or the {@value #CSRF_FIELD} form field.
   */
  static void checkCsrf(Context ctx) {
    Principal principal = principal(ctx);
    if (principal == null || principal.csrfToken() == null || !isWrite(ctx.method())) {
      return;
    }
    if (principal.via() == Principal.Via.LOCAL_DEVELOPMENT
        && ctx.path().startsWith("/api/")
        && !isForm(ctx)) {
      // Scripts and the CLI in development mode: a browser cannot send a cross-site request with
      // a non-form body without a CORS preflight this server never approves, and a cross-site
      // request that carries Origin was already refused by checkOrigin.
      return;
    }
    String presented = ctx.header(CSRF_HEADER);
    if (presented == null && isForm(ctx)) {
      presented = ctx.formParam(CSRF_FIELD);
    }
    if (presented == null
        || !MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.UTF_8),
            principal.csrfToken().getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(
          Problem.of(
              403,
              "csrf",
              "The form expired",
              "The page this change came from is out of date or from another site. Reload the"
                  + " page and try again."));
    }
  }

  private static boolean isForm(Context ctx) {
    String type = ctx.contentType();
    return type != null
        && (type.startsWith("application/x-www-form-urlencoded")
            || type.startsWith("multipart/form-data"));
  }

  /** Verifies a token typed into the login form and starts a session; empty if it is wrong. */
  Optional<Sessions.Session> signIn(Context ctx, String token) {
    Optional<ApiToken> verified = tokens.verify(token.trim());
    if (verified.isEmpty()) {
      return Optional.empty();
    }
    Sessions.Session session = sessions.create(verified.get().id(), verified.get().name());
    Cookie cookie = new Cookie(SESSION_COOKIE, session.id());
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setSecure(isSecure(ctx));
    cookie.setMaxAge((int) cookieMaxAge.toSeconds());
    ctx.cookie(cookie);
    return Optional.of(session);
  }

  /** Ends the request's session and clears the cookie. */
  void signOut(Context ctx) {
    Principal principal = principal(ctx);
    if (principal != null && principal.sessionId() != null) {
      sessions.remove(principal.sessionId());
    }
    Cookie cookie = new Cookie(SESSION_COOKIE, "");
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setSecure(isSecure(ctx));
    cookie.setMaxAge(0);
    ctx.cookie(cookie);
  }

  private static boolean isSecure(Context ctx) {
    return "https".equalsIgnoreCase(ctx.scheme())
        || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }
}
