/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.csr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.testing.TestCertificates;
import org.opampfleet.opamp.protocol.ConnectionSettingsRequest;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** The request a {@link CertificateRequester} builds (CR-04, CR-05, CR-12). */
class CertificateRequesterTest {

  private final InstanceUid uid = InstanceUid.generate();
  private final List<ConnectionSettingsRequest> requests = new ArrayList<>();
  private final List<PrivateKey> keys = new ArrayList<>();

  /** A client that only records connection settings requests. */
  private OpampClient client() {
    return (OpampClient)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {OpampClient.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "instanceUid" -> uid;
                  case "requestConnectionSettings" -> {
                    requests.add((ConnectionSettingsRequest) args[0]);
                    keys.add((PrivateKey) args[1]);
                    yield CompletableFuture.completedFuture(null);
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void sendsASignedPemRequestNamingTheInstanceUidWithAnEcP256Key() throws Exception {
    SigningRequest request = CertificateRequester.create(client()).request();

    assertThat(request.sent()).isCompleted();
    assertThat(requests).hasSize(1);
    String pem = requests.get(0).getOpamp().getCertificateRequest().getCsr().toStringUtf8();
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----").isEqualTo(request.csrPem());
    PKCS10CertificationRequest csr = parse(pem);
    assertThat(csr.getSubject().toString()).isEqualTo("CN=" + uid);
    assertThat(
            csr.isSignatureValid(
                new JcaContentVerifierProviderBuilder()
                    .build(new JcaPKCS10CertificationRequest(csr).getPublicKey())))
        .isTrue();
    assertThat(keys.get(0)).isSameAs(request.privateKey()).isInstanceOf(ECPrivateKey.class);
    assertThat(
            ((ECPrivateKey) request.privateKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(request.toString()).doesNotContain(request.csrPem());
  }

  @Test
  void generatesAnRsaKeyWhenAsked() {
    SigningRequest request =
        CertificateRequester.create(client(), KeyType.RSA_3072).request("CN=agent,O=Example");

    assertThat(request.privateKey()).isInstanceOf(RSAPrivateKey.class);
    assertThat(((RSAPrivateKey) request.privateKey()).getModulus().bitLength()).isEqualTo(3072);
  }

  @Test
  void refusesASubjectThatIsNoDistinguishedName() {
    assertThatThrownBy(() -> CertificateRequester.create(client()).request("no equals sign"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a distinguished name");
  }

  @Test
  void restoresMutualTlsFromAStoredKeyAndCertificate() throws Exception {
    SigningRequest request = CertificateRequester.create(client()).request();
    TestCertificates authority = TestCertificates.create();
    String issued =
        TestCertificates.pem(
            authority.issue(request.csrPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

    assertThat(
            CertificateRequester.keyManager(
                    request.privateKey(),
                    issued.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .getClientAliases("EC", null))
        .isNotEmpty();
  }

  private static PKCS10CertificationRequest parse(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return (PKCS10CertificationRequest) parser.readObject();
    }
  }
}
