/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static java.util.Objects.requireNonNull;

/**
 * Thrown when bytes received from an OpAMP peer cannot be turned into a message.
 *
 * <p>The {@linkplain #getMessage() message} is written for the operator who reads the log or the
 * agent that receives it in a {@code ServerErrorResponse}: it says what was wrong and what was
 * expected, and never includes the offending payload. The {@link #kind()} lets a transport choose
 * the right reaction (for example WebSocket close code 1009 for {@link Kind#TOO_LARGE}, 1002 for
 * the others).
 */
public final class MalformedMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the received bytes. */
  public enum Kind {
    /** The message is larger than the configured limit (measured after decompression). */
    TOO_LARGE,
    /** The WebSocket message header carries a value this version of OpAMP does not define. */
    UNSUPPORTED_HEADER,
    /** The bytes are not a valid protobuf encoding of the expected message. */
    INVALID_PROTOBUF,
    /** The compressed body could not be decompressed. */
    INVALID_COMPRESSION
  }

  private final Kind kind;

  /**
   * Creates an exception of the given kind.
   *
   * @param kind what was wrong
   * @param message a sentence for people, naming what was found and what was expected
   */
  public MalformedMessageException(Kind kind, String message) {
    super(requireNonNull(message, "message"));
    this.kind = requireNonNull(kind, "kind");
  }

  /**
   * Creates an exception of the given kind with the exception that revealed it.
   *
   * @param kind what was wrong
   * @param message a sentence for people, naming what was found and what was expected
   * @param cause the underlying failure
   */
  public MalformedMessageException(Kind kind, String message, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
    this.kind = requireNonNull(kind, "kind");
  }

  /** Returns what was wrong with the received bytes. */
  public Kind kind() {
    return kind;
  }
}
