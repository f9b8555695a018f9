/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.csr;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.util.concurrent.CompletableFuture;

/**
 * A certificate signing request that a {@link CertificateRequester} sent, with the private key that
 * signed it.
 *
 * <p>The key never leaves the agent (CR-04). The client pairs it with the certificate the server
 * returns; an application that persists its settings stores the key too, so that it can restore
 * mutual TLS after a restart with {@link CertificateRequester#keyManager}.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param privateKey the generated private key
 * @param csrPem the PEM-encoded PKCS#10 request
 * @param sent completed when the request went out to the server; failed when the server does not
 *     accept connection settings requests or the client stopped
 */
public record SigningRequest(PrivateKey privateKey, String csrPem, CompletableFuture<Void> sent) {

  /** Checks the components. */
  public SigningRequest {
    requireNonNull(privateKey, "privateKey");
    requireNonNull(csrPem, "csrPem");
    requireNonNull(sent, "sent");
  }

  /** Returns the request, without the key, for logs. */
  @Override
  public String toString() {
    return "SigningRequest[" + privateKey.getAlgorithm() + " key, " + csrPem.length() + " chars]";
  }
}
