/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Creates and checks API tokens.
 *
 * <p>A token is {@code ofp_} followed by 32 random bytes in URL-safe base64; only its SHA-256 is
 * stored (a token this random needs no salt or slow hash). Checks compare hashes in constant time
 * against an in-memory copy of the store, so a request never waits for the database.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class ApiTokens {
  private static final String PREFIX = "ofp_";

  private final TokenStore store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final List<ApiToken> cache = new CopyOnWriteArrayList<>();

  /** Creates the service and reads the stored tokens. */
  public ApiTokens(TokenStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    cache.addAll(store.list());
  }

  /** Returns whether any token exists (none on a fresh data directory). */
  public boolean isEmpty() {
    return cache.isEmpty();
  }

  /**
   * Creates a token. The returned secret is shown once and never stored.
   *
   * @param name what it is for
   */
  public Created create(String name) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] idBytes = new byte[4];
    random.nextBytes(idBytes);
    ApiToken stored =
        new ApiToken(
            HexFormat.of().formatHex(idBytes),
            requireNonNull(name, "name"),
            hash(token),
            clock.instant());
    store.insert(stored);
    cache.add(stored);
    return new Created(stored, token);
  }

  /**
   * A newly created token.
   *
   * @param token the stored record
   * @param secret the token itself; shown once
   */
  public record Created(ApiToken token, String secret) {}

  /** Returns the token a presented secret belongs to, if any. */
  public Optional<ApiToken> verify(String presented) {
    if (presented == null || !presented.startsWith(PREFIX)) {
      return Optional.empty();
    }
    byte[] candidate = HexFormat.of().parseHex(hash(presented));
    for (ApiToken token : cache) {
      if (MessageDigest.isEqual(candidate, HexFormat.of().parseHex(token.hash()))) {
        return Optional.of(token);
      }
    }
    return Optional.empty();
  }

  /** Returns every token (without secrets). */
  public List<ApiToken> list() {
    return List.copyOf(cache);
  }

  /** Revokes a token. Returns whether it existed. */
  public boolean revoke(String id) {
    boolean deleted = store.delete(id);
    cache.removeIf(t -> t.id().equals(id));
    return deleted;
  }

  /** Returns the SHA-256 of a token as lower-case hex. */
  public static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
