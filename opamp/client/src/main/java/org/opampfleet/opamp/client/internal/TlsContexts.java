/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.opampfleet.opamp.protocol.TLSConnectionSettings;

/**
 * Builds JSSE TLS material from what OpAMP connection settings carry: PEM certificates, PKCS#8 PEM
 * private keys, CA bundles and {@code TLSConnectionSettings} (CS-07, CS-11).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe. Error messages name the field and the problem
 * but never include key material.
 */
public final class TlsContexts {

  private static final char[] STORE_PASSWORD = "opamp".toCharArray();
  private static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

  private TlsContexts() {}

  /** Returns an SSL context with these managers; a null manager means the JDK default. */
  public static SSLContext sslContext(X509TrustManager trustManager, X509KeyManager keyManager)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        keyManager == null ? null : new KeyManager[] {keyManager},
        trustManager == null ? null : new TrustManager[] {trustManager},
        new SecureRandom());
    return context;
  }

  /** Reads every certificate in a PEM document. */
  public static List<X509Certificate> certificates(byte[] pem, String field)
      throws GeneralSecurityException {
    if (pem.length == 0) {
      throw new GeneralSecurityException(field + ": empty (expected: PEM certificates)");
    }
    Collection<? extends Certificate> read =
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    if (read.isEmpty()) {
      throw new GeneralSecurityException(field + ": no certificate found (expected: PEM)");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (Certificate certificate : read) {
      certificates.add((X509Certificate) certificate);
    }
    return certificates;
  }

  /**
   * Reads a PEM private key in PKCS#8 form ({@code -----BEGIN PRIVATE KEY-----}), trying the EC,
   * RSA and EdDSA algorithms.
   */
  public static PrivateKey privateKey(byte[] pem, String field) throws GeneralSecurityException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN ");
    if (begin < 0) {
      throw new GeneralSecurityException(
          field + ": not PEM (expected: -----BEGIN PRIVATE KEY-----)");
    }
    int typeEnd = text.indexOf("-----", begin + 11);
    String type = typeEnd < 0 ? "" : text.substring(begin + 11, typeEnd);
    if (!type.equals("PRIVATE KEY")) {
      throw new GeneralSecurityException(
          field + ": PEM type \"" + type + "\" is not supported (expected: PKCS#8, PRIVATE KEY)");
    }
    int end = text.indexOf("-----END", typeEnd);
    if (end < 0) {
      throw new GeneralSecurityException(field + ": PEM has no END line");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(typeEnd + 5, end));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException(field + ": PEM body is not base64", e);
    }
    for (String algorithm : List.of("EC", "RSA", "EdDSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm.
      }
    }
    throw new GeneralSecurityException(
        field + ": not a PKCS#8 EC, RSA or EdDSA private key (expected: one of these)");
  }

  /**
   * Checks that a private key belongs to a certificate by signing with the key and verifying with
   * the certificate's public key.
   */
  public static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "ED25519", "EDDSA" -> "Ed25519";
          case "ED448" -> "Ed448";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] probe = "opamp-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** Returns a key manager that presents this certificate chain with this key. */
  public static X509KeyManager keyManager(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, STORE_PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, STORE_PASSWORD);
      for (KeyManager manager : factory.getKeyManagers()) {
        if (manager instanceof X509KeyManager x509) {
          return x509;
        }
      }
      throw new GeneralSecurityException("no X.509 key manager available");
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot build a key store: " + e.getMessage(), e);
    }
  }

  /**
   * Returns a trust manager for the CA certificates in a PEM bundle, plus the JDK's default CAs
   * when {@code includeSystemCas} is set.
   */
  public static X509TrustManager trustManager(
      List<X509Certificate> authorities, boolean includeSystemCas) throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate authority : authorities) {
        store.setCertificateEntry("ca-" + i++, authority);
      }
      if (includeSystemCas) {
        for (X509Certificate system : defaultTrustManager().getAcceptedIssuers()) {
          store.setCertificateEntry("system-" + i++, system);
        }
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return firstX509(factory.getTrustManagers());
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot build a trust store: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the SSL parameters that {@code TLSConnectionSettings} asks for: protocol versions
   * between {@code min_version} (default 1.2) and {@code max_version}, and the cipher suites.
   *
   * @throws GeneralSecurityException if a version is unknown, the range is empty, or {@code
   *     insecure_skip_verify} is set, which this client refuses
   */
  public static SSLParameters parameters(TLSConnectionSettings tls)
      throws GeneralSecurityException {
    if (tls.getInsecureSkipVerify()) {
      throw new GeneralSecurityException(
          "tls.insecure_skip_verify: true is refused (expected: false; the client always verifies"
              + " the server)");
    }
    int min = versionIndex(tls.getMinVersion().isEmpty() ? "1.2" : tls.getMinVersion(), "min");
    int max =
        tls.getMaxVersion().isEmpty()
            ? KNOWN_PROTOCOLS.size() - 1
            : versionIndex(tls.getMaxVersion(), "max");
    if (min > max) {
      throw new GeneralSecurityException(
          "tls: min_version "
              + tls.getMinVersion()
              + " is above max_version "
              + tls.getMaxVersion()
              + " (expected: min <= max)");
    }
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(KNOWN_PROTOCOLS.subList(min, max + 1).toArray(new String[0]));
    if (tls.getCipherSuitesCount() > 0) {
      parameters.setCipherSuites(tls.getCipherSuitesList().toArray(new String[0]));
    }
    return parameters;
  }

  private static int versionIndex(String version, String which) throws GeneralSecurityException {
    String normalized = version.startsWith("TLSv") ? version : "TLSv" + version;
    int index = KNOWN_PROTOCOLS.indexOf(normalized);
    if (index < 0) {
      throw new GeneralSecurityException(
          "tls." + which + "_version: " + version + " (expected: 1.2 or 1.3)");
    }
    return index;
  }

  private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    return firstX509(factory.getTrustManagers());
  }

  private static X509TrustManager firstX509(TrustManager[] managers)
      throws GeneralSecurityException {
    for (TrustManager manager : managers) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager available");
  }
}
