/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.client.testing.TestCertificates;
import org.opampfleet.opamp.protocol.TLSConnectionSettings;

/** PEM material from connection settings offers (CS-07, CS-11, A-05). */
class TlsContextsTest {

  private static final TestCertificates CERTIFICATES = TestCertificates.create();

  @Test
  void readsAPkcs8KeyAndChecksItAgainstItsCertificate() throws Exception {
    KeyPair keys = TestCertificates.newKeyPair();
    X509Certificate certificate = CERTIFICATES.issueClient("agent", keys.getPublic());

    PrivateKey read = TlsContexts.privateKey(bytes(TestCertificates.pem(keys.getPrivate())), "k");
    List<X509Certificate> chain =
        TlsContexts.certificates(bytes(TestCertificates.pem(certificate)), "cert");

    assertThat(TlsContexts.matches(read, chain.get(0))).isTrue();
    assertThat(TlsContexts.matches(TestCertificates.newKeyPair().getPrivate(), chain.get(0)))
        .isFalse();
    assertThat(TlsContexts.keyManager(read, chain).getClientAliases("EC", null)).isNotEmpty();
  }

  @Test
  void refusesKeyFormatsItCannotReadWithoutShowingTheKey() {
    String sec1 =
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBsecret\n-----END EC PRIVATE KEY-----\n";

    assertThatThrownBy(() -> TlsContexts.privateKey(bytes(sec1), "private_key"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("\"EC PRIVATE KEY\" is not supported")
        .message()
        .doesNotContain("MHcCAQEEIBsecret");
  }

  @Test
  void mapsTlsVersionsAndRefusesInsecureSkipVerify() throws Exception {
    assertThat(
            TlsContexts.parameters(TLSConnectionSettings.newBuilder().setMinVersion("1.3").build())
                .getProtocols())
        .containsExactly("TLSv1.3");
    assertThat(TlsContexts.parameters(TLSConnectionSettings.getDefaultInstance()).getProtocols())
        .containsExactly("TLSv1.2", "TLSv1.3");
    assertThatThrownBy(
            () ->
                TlsContexts.parameters(
                    TLSConnectionSettings.newBuilder().setInsecureSkipVerify(true).build()))
        .hasMessageContaining("insecure_skip_verify");
    assertThatThrownBy(
            () ->
                TlsContexts.parameters(
                    TLSConnectionSettings.newBuilder().setMinVersion("1.0").build()))
        .hasMessage("tls.min_version: 1.0 (expected: 1.2 or 1.3)");
  }

  @Test
  void trustsTheOfferedAuthorities() throws Exception {
    assertThat(TlsContexts.trustManager(List.of(CERTIFICATES.ca()), false).getAcceptedIssuers())
        .containsExactly(CERTIFICATES.ca());
    assertThat(
            TlsContexts.trustManager(List.of(CERTIFICATES.ca()), true).getAcceptedIssuers().length)
        .isGreaterThan(1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
