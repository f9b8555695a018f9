/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@link ServerCallbacks#onConnecting}: accept the connection with the callbacks that
 * will serve it, or reject it with an HTTP status.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public sealed interface ConnectionDecision {

  /**
   * Accepts the connection.
   *
   * @param callbacks the callbacks for this agent connection
   */
  static Accept accept(ConnectionCallbacks callbacks) {
    return new Accept(requireNonNull(callbacks, "callbacks"), null);
  }

  /**
   * Rejects the connection with an HTTP status, e.g. 401 for missing credentials (ER-12), 403 for
   * forbidden ones, 429 or 503 when overloaded (ER-06).
   *
   * @param status an HTTP status from 400 to 599
   * @param message a short reason for people, sent as the response body; never include secrets
   */
  static Reject reject(int status, String message) {
    return new Reject(status, message, Map.of());
  }

  /** Accepts the connection. */
  record Accept(ConnectionCallbacks callbacks, @Nullable Object attachment)
      implements ConnectionDecision {

    /** Validates the callbacks. */
    public Accept {
      requireNonNull(callbacks, "callbacks");
    }

    /**
     * Returns the same decision carrying an application object, e.g. the authenticated identity,
     * available later from {@link AgentConnection#attachment()}.
     */
    public Accept withAttachment(Object attachment) {
      return new Accept(callbacks, requireNonNull(attachment, "attachment"));
    }

    /** Returns the attachment, if any. */
    public Optional<Object> attachmentIfAny() {
      return Optional.ofNullable(attachment);
    }
  }

  /** Rejects the connection with an HTTP status. */
  record Reject(int status, String message, Map<String, String> headers)
      implements ConnectionDecision {

    /** Validates the status and copies the headers. */
    public Reject {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
      }
      requireNonNull(message, "message");
      headers = Map.copyOf(requireNonNull(headers, "headers"));
    }

    /** Returns the same rejection with one more response header. */
    public Reject withHeader(String name, String value) {
      Map<String, String> copy = new LinkedHashMap<>(headers);
      copy.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return new Reject(status, message, copy);
    }

    /**
     * Returns the same rejection telling the agent when to try again, in whole seconds, rounded up
     * (the {@code Retry-After} header, ER-06).
     */
    public Reject withRetryAfter(Duration delay) {
      requireNonNull(delay, "delay");
      long seconds = Math.max(1, (delay.toMillis() + 999) / 1000);
      return withHeader("Retry-After", Long.toString(seconds));
    }
  }
}
