/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.link;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.opampfleet.supervisor.config.ConfigException;
import org.opampfleet.supervisor.config.SupervisorConfig;

/**
 * Builds the JDK HTTP client for a TLS connection to the upstream server from {@code server.tls}:
 * trust anchors from {@code ca_file}/{@code ca_pem} (plus the system's with {@code
 * include_system_ca_certs_pool}), a client certificate for mutual TLS, TLS version bounds and
 * cipher suites. PEM keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code BEGIN RSA
 * PRIVATE KEY}). Key material never appears in messages.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
public final class TlsMaterial {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private TlsMaterial() {}

  /**
   * Returns an HTTP client configured for {@code tls}, or null when the platform defaults serve (no
   * custom trust, client certificate, versions or ciphers).
   *
   * @throws ConfigException if a file cannot be read or a PEM block is not usable; the message
   *     names the key, never the content
   */
  public static @Nullable HttpClient httpClient(SupervisorConfig.Tls tls, Duration connectTimeout) {
    boolean custom =
        tls.hasCustomCa()
            || tls.hasClientCertificate()
            || tls.insecureSkipVerify()
            || !tls.minVersion().isEmpty()
            || !tls.maxVersion().isEmpty()
            || !tls.cipherSuites().isEmpty();
    if (!custom) {
      return null;
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(tls), trustManagers(tls), new SecureRandom());
      SSLParameters parameters = context.getDefaultSSLParameters();
      parameters.setProtocols(protocols(tls.minVersion(), tls.maxVersion()));
      if (!tls.cipherSuites().isEmpty()) {
        parameters.setCipherSuites(tls.cipherSuites().toArray(String[]::new));
      }
      return HttpClient.newBuilder()
          .sslContext(context)
          .sslParameters(parameters)
          .connectTimeout(connectTimeout)
          .build();
    } catch (GeneralSecurityException e) {
      throw new ConfigException("server::tls: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  static String[] protocols(String min, String max) {
    List<String> all = List.of("1.0", "1.1", "1.2", "1.3");
    int from = all.indexOf(min.isEmpty() ? "1.2" : min);
    int to = all.indexOf(max.isEmpty() ? "1.3" : max);
    List<String> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add("TLSv" + all.get(i));
    }
    return out.toArray(String[]::new);
  }

  private static KeyManager @Nullable [] keyManagers(SupervisorConfig.Tls tls)
      throws GeneralSecurityException {
    if (!tls.hasClientCertificate()) {
      return null;
    }
    String certPem = pem(tls.certFile(), tls.certPem(), "server::tls::cert");
    String keyPem = pem(tls.keyFile(), tls.keyPem(), "server::tls::key");
    return keyManagers(certPem, keyPem, "server::tls");
  }

  /**
   * Returns key managers presenting a PEM certificate chain and private key.
   *
   * @param what names the setting in error messages
   */
  public static KeyManager[] keyManagers(String certPem, String keyPem, String what)
      throws GeneralSecurityException {
    List<X509Certificate> chain = certificates(certPem, what + " certificate");
    PrivateKey key = privateKey(keyPem, what + " key");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    char[] password = new char[0];
    store.setKeyEntry("client", key, password, chain.toArray(Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers();
  }

  private static TrustManager @Nullable [] trustManagers(SupervisorConfig.Tls tls)
      throws GeneralSecurityException {
    if (tls.insecureSkipVerify()) {
      return new TrustManager[] {new TrustingEverything()};
    }
    if (!tls.hasCustomCa()) {
      return null;
    }
    List<X509Certificate> anchors =
        certificates(pem(tls.caFile(), tls.caPem(), "server::tls::ca"), "server::tls CA");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (X509Certificate anchor : anchors) {
      store.setCertificateEntry("ca-" + i++, anchor);
    }
    if (tls.includeSystemCaCertsPool()) {
      TrustManagerFactory system =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      for (TrustManager tm : system.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          for (X509Certificate issuer : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("system-" + i++, issuer);
          }
        }
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static String pem(String file, String inline, String key) {
    if (!inline.isEmpty()) {
      return inline;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(key + "_file: cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Parses every {@code CERTIFICATE} block of a PEM text. */
  public static List<X509Certificate> certificates(String pem, String what) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Collection<? extends Certificate> certs =
          factory.generateCertificates(
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new ConfigException(what + ": no PEM CERTIFICATE block found");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new ConfigException(what + ": not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /** Parses a PKCS#8 or PKCS#1 RSA private key in PEM form. */
  public static PrivateKey privateKey(String pem, String what) {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new ConfigException(what + ": no PEM private key block found");
    }
    String type = m.group(1);
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    byte[] pkcs8;
    String[] algorithms;
    switch (type) {
      case "PRIVATE KEY" -> {
        pkcs8 = der;
        algorithms = new String[] {"RSA", "EC", "Ed25519", "Ed448"};
      }
      case "RSA PRIVATE KEY" -> {
        pkcs8 = wrapRsaPkcs1(der);
        algorithms = new String[] {"RSA"};
      }
      default ->
          throw new ConfigException(
              what
                  + ": PEM type \""
                  + type
                  + "\" is not supported (expected: PRIVATE KEY or RSA PRIVATE KEY; convert with"
                  + " openssl pkcs8 -topk8 -nocrypt)");
    }
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm.
      }
    }
    throw new ConfigException(
        what + ": the private key cannot be read (expected: RSA, EC or EdDSA)");
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  private static byte[] wrapRsaPkcs1(byte[] pkcs1) {
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    writeLength(body, pkcs1.length);
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    writeLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xff);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write((length >> 8) & 0xff);
      out.write(length & 0xff);
    }
  }

  /** {@code insecure_skip_verify}: accepts any server certificate. */
  private static final class TrustingEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
