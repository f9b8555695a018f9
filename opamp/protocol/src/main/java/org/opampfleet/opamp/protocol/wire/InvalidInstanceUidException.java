/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static java.util.Objects.requireNonNull;

/**
 * Thrown when bytes or text do not hold a valid OpAMP instance UID.
 *
 * <p>{@link #problem()} says why, so a server can answer an agent that still sends a pre-v0.10 ULID
 * differently from one that sends garbage.
 */
public final class InvalidInstanceUidException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why the input is not an instance UID. */
  public enum Problem {
    /** The bytes are not 16 long. */
    WRONG_LENGTH,
    /**
     * The input is a 26-character ULID string, the instance UID format of OpAMP before v0.10. See
     * {@link InstanceUid#fromLegacyUlid(String)} to map it to a 16-byte UID.
     */
    LEGACY_ULID,
    /** The text is not a canonical UUID string. */
    MALFORMED_TEXT
  }

  private final Problem problem;

  InvalidInstanceUidException(Problem problem, String message) {
    super(requireNonNull(message, "message"));
    this.problem = requireNonNull(problem, "problem");
  }

  /** Returns why the input is not an instance UID. */
  public Problem problem() {
    return problem;
  }
}
