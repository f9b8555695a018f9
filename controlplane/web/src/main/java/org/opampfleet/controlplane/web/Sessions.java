/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * UI sessions, held in memory: a random id in an HttpOnly cookie maps to the token the person
 * signed in with (its id, never the token itself) and a CSRF token for forms.
 *
 * <p>A session ends after {@code idleTimeout} without requests, after {@code maxAge} in any case,
 * on sign-out, or when its API token is revoked. At most {@code maxSessions} are kept; beyond that
 * the one closest to expiry is dropped. Sessions do not survive a restart: people sign in again.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class Sessions {
  /**
   * One signed-in browser.
   *
   * @param id the cookie value
   * @param tokenId the id of the API token used to sign in
   * @param principal the token's name, shown in the UI and recorded as author
   * @param csrfToken must accompany every form post and htmx write
   * @param createdAt when the person signed in
   * @param expiresAt when the session ends unless used
   */
  record Session(
      String id,
      String tokenId,
      String principal,
      String csrfToken,
      Instant createdAt,
      Instant expiresAt) {}

  private final Clock clock;
  private final Duration idleTimeout;
  private final Duration maxAge;
  private final int maxSessions;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

  Sessions(Clock clock, Duration idleTimeout, Duration maxAge, int maxSessions) {
    this.clock = requireNonNull(clock, "clock");
    this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
    this.maxAge = requireNonNull(maxAge, "maxAge");
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: > 0)");
    }
    this.maxSessions = maxSessions;
  }

  /** Starts a session for a verified token. */
  Session create(String tokenId, String principal) {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
    while (sessions.size() >= maxSessions) {
      sessions.values().stream()
          .min(Comparator.comparing(Session::expiresAt))
          .ifPresent(s -> sessions.remove(s.id()));
    }
    Session session =
        new Session(randomToken(), tokenId, principal, randomToken(), now, now.plus(idleTimeout));
    sessions.put(session.id(), session);
    return session;
  }

  /** Returns a live session and extends it; expired sessions are removed. */
  Optional<Session> find(String id) {
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!session.expiresAt().isAfter(now)) {
      sessions.remove(id);
      return Optional.empty();
    }
    Instant extended = now.plus(idleTimeout);
    Instant limit = session.createdAt().plus(maxAge);
    if (extended.isAfter(limit)) {
      extended = limit;
    }
    Session touched =
        new Session(
            session.id(),
            session.tokenId(),
            session.principal(),
            session.csrfToken(),
            session.createdAt(),
            extended);
    sessions.put(id, touched);
    return Optional.of(touched);
  }

  /** Ends a session. */
  void remove(String id) {
    sessions.remove(id);
  }

  /** Returns the number of live sessions (some may have expired but not been swept yet). */
  int size() {
    return sessions.size();
  }

  /** Returns a fresh random token: 32 bytes, URL-safe base64. */
  String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
