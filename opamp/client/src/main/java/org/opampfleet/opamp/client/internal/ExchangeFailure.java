/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Why talking to the server failed, in the terms the client's retry logic needs: whether the server
 * throttled the client and for how long (ER-07), and whether the message must not be sent again
 * (HT-L2).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class ExchangeFailure extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The server could not be reached, or the connection broke. */
    UNREACHABLE,
    /** The server answered with an HTTP status other than success. */
    HTTP_STATUS,
    /** The server's reply was not a valid OpAMP message, or was larger than the limit. */
    MALFORMED_REPLY,
    /** The server did not answer in time. */
    TIMEOUT,
    /** The server closed the WebSocket. */
    CLOSED
  }

  private final Kind kind;
  private final int statusCode;
  private final transient Optional<Duration> retryAfter;

  private ExchangeFailure(
      Kind kind, int statusCode, Optional<Duration> retryAfter, String message, Throwable cause) {
    super(message, cause);
    this.kind = requireNonNull(kind, "kind");
    this.statusCode = statusCode;
    this.retryAfter = requireNonNull(retryAfter, "retryAfter");
  }

  /** Returns a failure of a kind that carries no HTTP status. */
  public static ExchangeFailure of(Kind kind, String message, Throwable cause) {
    return new ExchangeFailure(kind, 0, Optional.empty(), message, cause);
  }

  /** Returns a failure for an HTTP status answer, with its {@code Retry-After} delay if any. */
  public static ExchangeFailure httpStatus(
      int statusCode, Optional<Duration> retryAfter, String message) {
    return new ExchangeFailure(Kind.HTTP_STATUS, statusCode, retryAfter, message, null);
  }

  /** Returns what went wrong. */
  public Kind kind() {
    return kind;
  }

  /** Returns the HTTP status code, or 0. */
  public int statusCode() {
    return statusCode;
  }

  /** Returns the delay the server asked for with {@code Retry-After}, if any. */
  public Optional<Duration> retryAfter() {
    return retryAfter == null ? Optional.empty() : retryAfter;
  }

  /** Returns whether the server said it is overloaded: HTTP 429 or 503 (ER-06). */
  public boolean isThrottled() {
    return statusCode == 429 || statusCode == 503;
  }

  /** Returns whether the server refused the request as too large: HTTP 413 (HT-L2). */
  public boolean isRequestTooLarge() {
    return statusCode == 413;
  }

  /** Returns the failure inside a {@link CompletionException}, or the throwable itself. */
  public static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while (current instanceof CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
