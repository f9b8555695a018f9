/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * What the server knows about an incoming connection before any OpAMP message is read: the HTTP
 * request that opens a WebSocket, or one plain-HTTP poll. It is what {@link
 * ServerCallbacks#onConnecting} decides on.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param transport WebSocket upgrade or plain-HTTP request
 * @param path the request path, e.g. {@code /v1/opamp}
 * @param headers the request headers; names compare case-insensitively
 * @param remoteAddress the peer's address
 * @param clientCertificates the TLS client certificate chain, leaf first; empty without mTLS
 */
public record ConnectionRequest(
    TransportKind transport,
    String path,
    Map<String, List<String>> headers,
    InetSocketAddress remoteAddress,
    List<X509Certificate> clientCertificates) {

  /** The header in which plain-HTTP agents send their instance UID (HT-06). */
  public static final String INSTANCE_UID_HEADER = "OpAMP-Instance-UID";

  /** Copies the inputs; header names become case-insensitive. */
  public ConnectionRequest {
    requireNonNull(transport, "transport");
    requireNonNull(path, "path");
    requireNonNull(remoteAddress, "remoteAddress");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    requireNonNull(headers, "headers")
        .forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = Collections.unmodifiableMap(copy);
    clientCertificates = List.copyOf(requireNonNull(clientCertificates, "clientCertificates"));
  }

  /** Returns the first value of a header, if present. Names compare case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(requireNonNull(name, "name"));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Returns the instance UID of the {@code OpAMP-Instance-UID} header, if present and valid. The
   * header is only a hint for routing (UID-13): the message body is authoritative.
   */
  public Optional<InstanceUid> instanceUidHeader() {
    return header(INSTANCE_UID_HEADER)
        .flatMap(
            text -> {
              try {
                return Optional.of(InstanceUid.parse(text.trim()));
              } catch (IllegalArgumentException e) {
                return Optional.empty();
              }
            });
  }
}
