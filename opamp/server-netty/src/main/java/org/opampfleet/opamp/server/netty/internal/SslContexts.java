/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.opampfleet.opamp.server.netty.TlsSettings;

/** Builds server TLS contexts from PEM files. Internal; not API; may change without notice. */
public final class SslContexts {
  private SslContexts() {}

  /**
   * Reads the PEM files and builds a context.
   *
   * @throws IllegalArgumentException naming the file when one is missing or unreadable
   */
  public static SslContext forServer(TlsSettings tls) {
    requireReadable("certificate chain", tls.certificateChain());
    requireReadable("private key", tls.privateKey());
    tls.clientCaFile().ifPresent(ca -> requireReadable("client CA", ca));
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(tls.certificateChain().toFile(), tls.privateKey().toFile())
              .protocols("TLSv1.3", "TLSv1.2");
      tls.clientCaFile().ifPresent(ca -> builder.trustManager(ca.toFile()));
      builder.clientAuth(
          switch (tls.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRE -> ClientAuth.REQUIRE;
          });
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use the TLS files "
              + tls.certificateChain()
              + " and "
              + tls.privateKey()
              + ": "
              + e.getMessage()
              + " (expected: PEM certificate chain and PKCS#8 PEM private key)",
          e);
    }
  }

  private static void requireReadable(String what, Path path) {
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(
          "TLS " + what + " file " + path + " does not exist or cannot be read");
    }
  }
}
