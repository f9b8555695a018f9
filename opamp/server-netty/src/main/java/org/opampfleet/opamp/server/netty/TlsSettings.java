/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the listener's TLS material is: PEM files, read at start and again on {@link
 * NettyTransport#reloadCertificates()}.
 *
 * @param certificateChain the server certificate chain, PEM, leaf first
 * @param privateKey the server's private key, PEM (PKCS#8)
 * @param clientCa CA certificates that sign agents' client certificates, PEM; null for no mTLS
 * @param clientAuth whether agents must present a client certificate
 */
public record TlsSettings(
    Path certificateChain, Path privateKey, @Nullable Path clientCa, ClientAuth clientAuth) {

  /** Whether the listener asks agents for client certificates (mTLS). */
  public enum ClientAuth {
    /** No client certificates. */
    NONE,
    /** Agents may present one; those without are still admitted (e.g. for TOFU, TF-01). */
    OPTIONAL,
    /** Agents must present a certificate signed by the client CA. */
    REQUIRE
  }

  /** Validates the combination. */
  public TlsSettings {
    requireNonNull(certificateChain, "certificateChain");
    requireNonNull(privateKey, "privateKey");
    requireNonNull(clientAuth, "clientAuth");
    if (clientAuth != ClientAuth.NONE && clientCa == null) {
      throw new IllegalArgumentException(
          "clientCa: not set (expected: a CA file when clientAuth is " + clientAuth + ")");
    }
  }

  /** Returns TLS without client certificates. */
  public static TlsSettings of(Path certificateChain, Path privateKey) {
    return new TlsSettings(certificateChain, privateKey, null, ClientAuth.NONE);
  }

  /** Returns TLS that requires client certificates signed by {@code clientCa}. */
  public static TlsSettings mutual(Path certificateChain, Path privateKey, Path clientCa) {
    return new TlsSettings(certificateChain, privateKey, clientCa, ClientAuth.REQUIRE);
  }

  /** Returns the client CA file, if any. */
  public Optional<Path> clientCaFile() {
    return Optional.ofNullable(clientCa);
  }
}
