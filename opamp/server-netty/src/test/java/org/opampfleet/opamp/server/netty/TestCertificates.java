/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA that issues server and client certificates for TLS tests. */
final class TestCertificates {
  record Issued(KeyPair keys, X509Certificate certificate) {}

  private final Issued ca;
  private long serial = 1;

  TestCertificates() throws Exception {
    KeyPair keys = newKeys();
    ca = new Issued(keys, sign("CN=OpAMP Fleet test CA", keys, keys, null, true));
  }

  X509Certificate ca() {
    return ca.certificate();
  }

  Issued issue(String subject, GeneralName... altNames) throws Exception {
    KeyPair keys = newKeys();
    return new Issued(
        keys,
        sign(
            subject,
            keys,
            ca.keys(),
            altNames.length == 0 ? null : new GeneralNames(altNames),
            false));
  }

  Issued server() throws Exception {
    return issue(
        "CN=localhost",
        new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
  }

  /** Writes the certificate (followed by the CA) and its PKCS#8 key as PEM files. */
  void writePem(Issued issued, Path certificate, Path key) throws Exception {
    Files.writeString(
        certificate, pem(issued.certificate()) + pem(ca.certificate()), StandardCharsets.US_ASCII);
    StringWriter keyPem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(keyPem)) {
      writer.writeObject(new JcaPKCS8Generator(issued.keys().getPrivate(), null));
    }
    Files.writeString(key, keyPem.toString(), StandardCharsets.US_ASCII);
  }

  void writeCaPem(Path file) throws Exception {
    Files.writeString(file, pem(ca.certificate()), StandardCharsets.US_ASCII);
  }

  /** An SSL context that trusts the CA and, when given, presents a client certificate. */
  SSLContext clientContext(Issued client) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (client != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client",
          client.keys().getPrivate(),
          new char[0],
          new X509Certificate[] {client.certificate(), ca.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private X509Certificate sign(
      String subject, KeyPair subjectKeys, KeyPair issuerKeys, GeneralNames altNames, boolean isCa)
      throws Exception {
    Instant now = Instant.now();
    X500Name issuer =
        isCa
            ? new X500Name(subject)
            : new X500Name(ca.certificate().getSubjectX500Principal().getName());
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(serial++ + now.toEpochMilli()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            new X500Name(subject),
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (altNames != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, altNames);
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static KeyPair newKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static String pem(Object object) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
