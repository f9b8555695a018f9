/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.csr;

/**
 * The kinds of key pair a {@link CertificateRequester} can generate.
 *
 * <p><b>Thread safety:</b> an enum; immutable and thread-safe.
 */
public enum KeyType {
  /** An elliptic-curve key on NIST P-256 (secp256r1), signed with SHA256withECDSA. The default. */
  EC_P256("EC", "SHA256withECDSA"),
  /** A 3072-bit RSA key, signed with SHA256withRSA, for servers that do not accept EC. */
  RSA_3072("RSA", "SHA256withRSA");

  private final String algorithm;
  private final String signatureAlgorithm;

  KeyType(String algorithm, String signatureAlgorithm) {
    this.algorithm = algorithm;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** Returns the JCA key algorithm name. */
  String algorithm() {
    return algorithm;
  }

  /** Returns the JCA signature algorithm the request is signed with. */
  String signatureAlgorithm() {
    return signatureAlgorithm;
  }
}
