/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import java.time.Duration;
import java.util.Map;
import org.opampfleet.opamp.protocol.ServerToAgent;

/**
 * What {@link FakeOpampServer} does with one received message (or, for {@link Handshake}, one
 * WebSocket upgrade request): a script step.
 */
public sealed interface Reply {

  /** Answers with a message (framed on WebSocket; the body of a 200 on HTTP). */
  record Message(ServerToAgent message) implements Reply {}

  /** Answers with raw bytes: a binary WebSocket message or a 200 body, e.g. malformed data. */
  record Raw(byte[] bytes) implements Reply {}

  /** Answers with a text WebSocket message, which OpAMP does not use. */
  record Text(String text) implements Reply {}

  /** Answers with an HTTP status and headers, e.g. 503 with Retry-After; HTTP only. */
  record Status(int code, Map<String, String> headers) implements Reply {}

  /** Starts an answer, sends part of it and closes the connection. */
  record CloseMidMessage() implements Reply {}

  /** Does not answer at all. */
  record Silence() implements Reply {}

  /** Answers after a delay. */
  record Delayed(Duration delay, Reply then) implements Reply {}

  /** Returns a message reply. */
  static Reply message(ServerToAgent message) {
    return new Message(message);
  }

  /** Returns a status reply. */
  static Reply status(int code, Map<String, String> headers) {
    return new Status(code, headers);
  }

  /** Returns a status reply without headers. */
  static Reply status(int code) {
    return new Status(code, Map.of());
  }

  /** What to do with a WebSocket upgrade request. */
  sealed interface Handshake {
    /** Accepts the upgrade. */
    record Accept() implements Handshake {}

    /** Refuses it with an HTTP status and headers. */
    record Refuse(int code, Map<String, String> headers) implements Handshake {}

    /** Never answers it. */
    record Hang() implements Handshake {}
  }
}
