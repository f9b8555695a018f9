/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A throw-away certificate authority for TLS tests, made with BouncyCastle: a CA, a server
 * certificate for 127.0.0.1 and localhost, client certificates, and signing of PKCS#10 requests
 * (the server side of the CSR flow).
 */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final KeyPair serverKeys;
  private final X509Certificate server;

  private TestCertificates() throws GeneralSecurityException {
    caKeys = newKeyPair();
    ca = sign(new X500Name("CN=OpAMP Fleet Test CA"), caKeys.getPublic(), true, null, caKeys);
    serverKeys = newKeyPair();
    server =
        sign(
            new X500Name("CN=127.0.0.1"),
            serverKeys.getPublic(),
            false,
            new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                  new GeneralName(GeneralName.dNSName, "localhost")
                }),
            caKeys);
  }

  /** Creates a new authority with its server certificate. */
  public static TestCertificates create() {
    try {
      return new TestCertificates();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns an EC P-256 key pair. */
  public static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** Returns the CA certificate. */
  public X509Certificate ca() {
    return ca;
  }

  /** Returns a JDK trust manager that trusts only this authority. */
  public X509TrustManager trustManager() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", ca);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return (X509TrustManager) factory.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns a Netty server context for the server certificate, with the given client auth. */
  public SslContext serverContext(ClientAuth clientAuth) {
    try {
      return SslContextBuilder.forServer(serverKeys.getPrivate(), server, ca)
          .trustManager(ca)
          .clientAuth(clientAuth)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Issues a client certificate with this common name for a key pair. */
  public X509Certificate issueClient(String commonName, PublicKey key) {
    try {
      return sign(new X500Name("CN=" + commonName), key, false, null, caKeys);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Issues a certificate for a PEM PKCS#10 request, after checking its signature, with the
   * request's subject: what a server does in the CSR flow (CR-07).
   */
  public X509Certificate issue(byte[] csrPem) throws GeneralSecurityException, IOException {
    Object parsed;
    try (PEMParser parser =
        new PEMParser(new StringReader(new String(csrPem, StandardCharsets.US_ASCII)))) {
      parsed = parser.readObject();
    }
    if (!(parsed instanceof PKCS10CertificationRequest request)) {
      throw new GeneralSecurityException("not a PKCS#10 request: " + parsed);
    }
    JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
    try {
      if (!request.isSignatureValid(
          new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
              .build(jca.getPublicKey()))) {
        throw new GeneralSecurityException("the request's signature does not verify");
      }
    } catch (OperatorCreationException | org.bouncycastle.pkcs.PKCSException e) {
      throw new GeneralSecurityException(e);
    }
    return sign(request.getSubject(), jca.getPublicKey(), false, null, caKeys);
  }

  /** Returns the PEM text of a certificate. */
  public static String pem(X509Certificate certificate) {
    return pemOf(certificate);
  }

  /** Returns the PKCS#8 PEM text of a private key. */
  public static String pem(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String pemOf(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static X509Certificate sign(
      X500Name subject, PublicKey key, boolean isCa, GeneralNames names, KeyPair issuerKeys)
      throws GeneralSecurityException {
    Instant now = Instant.now();
    X500Name issuer = isCa ? subject : new X500Name("CN=OpAMP Fleet Test CA");
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            key);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (isCa) {
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      }
      if (names != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, names);
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
