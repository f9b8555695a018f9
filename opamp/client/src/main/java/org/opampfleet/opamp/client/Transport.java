/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The two OpAMP transports a client can use.
 *
 * <p><b>Thread safety:</b> an enum; immutable and thread-safe.
 */
public enum Transport {
  /**
   * A long-lived WebSocket ({@code ws://} or {@code wss://}): full duplex, so the server can push
   * offers at any time; heartbeats keep the connection known to be alive.
   */
  WEBSOCKET,
  /**
   * Plain HTTP POST requests ({@code http://} or {@code https://}): half duplex, so the client
   * polls and the server answers each request.
   */
  HTTP;

  /**
   * Returns the transport a server URI's scheme implies: {@link #WEBSOCKET} for {@code ws} and
   * {@code wss}, {@link #HTTP} for {@code http} and {@code https}, empty for anything else.
   */
  public static Optional<Transport> fromScheme(URI uri) {
    requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "ws":
      case "wss":
        return Optional.of(WEBSOCKET);
      case "http":
      case "https":
        return Optional.of(HTTP);
      default:
        return Optional.empty();
    }
  }
}
