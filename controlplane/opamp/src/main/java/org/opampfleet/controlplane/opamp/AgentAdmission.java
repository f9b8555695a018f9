/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.server.ConnectionRequest;

/**
 * Who may connect as an agent: anyone, or agents that present the shared enrollment token as {@code
 * Authorization: Bearer <token>}.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class AgentAdmission {
  private final byte @Nullable [] enrollmentToken;

  private AgentAdmission(byte @Nullable [] enrollmentToken) {
    this.enrollmentToken = enrollmentToken;
  }

  /** Admits every agent. */
  public static AgentAdmission open() {
    return new AgentAdmission(null);
  }

  /** Admits agents that present this token as a bearer token. */
  public static AgentAdmission enrollmentToken(String token) {
    if (token.isBlank()) {
      throw new IllegalArgumentException("enrollment token: empty (expected: a secret string)");
    }
    return new AgentAdmission(token.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns whether a token is required. */
  public boolean requiresToken() {
    return enrollmentToken != null;
  }

  /**
   * Checks a connection request; returns the reason to refuse it, or empty to admit it. The reason
   * never includes what the agent sent.
   */
  public Optional<String> refusal(ConnectionRequest request) {
    if (enrollmentToken == null) {
      return Optional.empty();
    }
    Optional<String> header = request.header("Authorization");
    if (header.isEmpty()) {
      return Optional.of("missing agent enrollment token (send Authorization: Bearer <token>)");
    }
    String value = header.get().trim();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of("the Authorization header is not a bearer token");
    }
    byte[] presented = value.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, enrollmentToken)
        ? Optional.empty()
        : Optional.of("invalid agent enrollment token");
  }
}
