/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.csr;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.protocol.CertificateRequest;
import org.opampfleet.opamp.protocol.ConnectionSettingsRequest;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettingsRequest;

/**
 * Asks the OpAMP server for a client certificate: generates a key pair (EC P-256 by default),
 * builds a PEM PKCS#10 certificate signing request whose subject names the agent's instance UID,
 * and sends it with {@link OpampClient#requestConnectionSettings} (CR-04, CR-05).
 *
 * <p>The server answers with an OpAMP connection settings offer carrying {@code certificate.cert}
 * and no {@code private_key} (CR-07). The client pairs it with the key generated here,
 * switches to it safely and reports the outcome (CR-10, OC-04 to OC-09); {@link
 * org.opampfleet.opamp.client.ClientCallbacks#onOpampConnectionSettingsApplied} tells the
 * application when the certificate is in use. The request is sent only to a server that advertises
 * {@code AcceptsConnectionSettingsRequest} (CR-01). Call {@link #request()} again to renew the
 * certificate (CR-11), or after the server assigned a new instance UID when the UID is in the
 * certificate (CR-13).
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class CertificateRequester {

  private final OpampClient client;
  private final KeyType keyType;
  private final SecureRandom random;

  private CertificateRequester(OpampClient client, KeyType keyType, SecureRandom random) {
    this.client = client;
    this.keyType = keyType;
    this.random = random;
  }

  /** Returns a requester that generates EC P-256 keys for this client. */
  public static CertificateRequester create(OpampClient client) {
    return create(client, KeyType.EC_P256);
  }

  /** Returns a requester that generates keys of this type for this client. */
  public static CertificateRequester create(OpampClient client, KeyType keyType) {
    return new CertificateRequester(
        requireNonNull(client, "client"), requireNonNull(keyType, "keyType"), new SecureRandom());
  }

  /**
   * Generates a key pair and a request whose subject is {@code CN=<instance UID>}, so that the
   * server can check that the agent asks for itself (CR-12), and sends it.
   *
   * @throws IllegalStateException if the JDK cannot generate the key or sign the request
   */
  public SigningRequest request() {
    return request("CN=" + client.instanceUid());
  }

  /**
   * Generates a key pair and a request with this subject, e.g. {@code CN=<uid>,O=Example}, and
   * sends it.
   *
   * @param subject an X.500 distinguished name in RFC 4514 form
   * @throws IllegalArgumentException if {@code subject} is not a distinguished name
   * @throws IllegalStateException if the JDK cannot generate the key or sign the request
   */
  public SigningRequest request(String subject) {
    requireNonNull(subject, "subject");
    X500Name name;
    try {
      name = new X500Name(BCStyle.INSTANCE, subject);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "subject: \"" + subject + "\" (expected: a distinguished name, e.g. CN=agent)", e);
    }
    KeyPair keys = generateKeyPair();
    String pem = csrPem(keys, name);
    ConnectionSettingsRequest request =
        ConnectionSettingsRequest.newBuilder()
            .setOpamp(
                OpAMPConnectionSettingsRequest.newBuilder()
                    .setCertificateRequest(
                        CertificateRequest.newBuilder()
                            .setCsr(ByteString.copyFrom(pem, StandardCharsets.US_ASCII))))
            .build();
    return new SigningRequest(
        keys.getPrivate(), pem, client.requestConnectionSettings(request, keys.getPrivate()));
  }

  /**
   * Returns a key manager that presents a certificate chain with its key, to restore mutual TLS
   * after a restart with {@link org.opampfleet.opamp.client.OpampClientBuilder#keyManager}.
   *
   * @param key the key of an earlier {@link SigningRequest}
   * @param certificateChainPem the certificate the server issued, then any intermediate CAs, as PEM
   * @throws GeneralSecurityException if the chain cannot be read or does not fit the key
   */
  public static X509KeyManager keyManager(PrivateKey key, byte[] certificateChainPem)
      throws GeneralSecurityException {
    requireNonNull(key, "key");
    requireNonNull(certificateChainPem, "certificateChainPem");
    Collection<? extends Certificate> chain =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(certificateChainPem));
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(
          "certificateChainPem: no certificate found (expected: PEM certificates)");
    }
    char[] password = new char[0];
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      for (KeyManager manager : factory.getKeyManagers()) {
        if (manager instanceof X509KeyManager x509) {
          return x509;
        }
      }
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot build a key store: " + e.getMessage(), e);
    }
    throw new GeneralSecurityException("no X.509 key manager available");
  }

  private KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(keyType.algorithm());
      if (keyType == KeyType.EC_P256) {
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      } else {
        generator.initialize(3072, random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + keyType + " key pair", e);
    }
  }

  private String csrPem(KeyPair keys, X500Name subject) {
    PKCS10CertificationRequest csr;
    try {
      csr =
          new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
              .build(
                  new JcaContentSignerBuilder(keyType.signatureAlgorithm())
                      .build(keys.getPrivate()));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign the certificate request", e);
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(csr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
