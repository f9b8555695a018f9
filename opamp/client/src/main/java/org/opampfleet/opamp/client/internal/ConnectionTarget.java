/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.ProxyConnectionSettings;
import org.opampfleet.opamp.protocol.TLSCertificate;

/**
 * The settings of the OpAMP connection: endpoint, server-offered headers, TLS material and proxy,
 * and the JDK HttpClient built from them. The builder's settings make the first target; each
 * accepted {@code OpAMPConnectionSettings} offer derives a candidate from the current one (OC-03).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class ConnectionTarget {

  private final URI endpoint;
  private final Transport transport;
  private final Map<String, String> offeredHeaders;
  private final X509TrustManager trustManager;
  private final X509KeyManager keyManager;
  private final SSLParameters sslParameters;
  private final InetSocketAddress proxy;
  private final HttpClient httpClient;
  private final OpAMPConnectionSettings source;
  private final boolean usesHeldKey;

  private ConnectionTarget(
      URI endpoint,
      Map<String, String> offeredHeaders,
      X509TrustManager trustManager,
      X509KeyManager keyManager,
      SSLParameters sslParameters,
      InetSocketAddress proxy,
      HttpClient httpClient,
      OpAMPConnectionSettings source,
      boolean usesHeldKey) {
    this.endpoint = endpoint;
    this.transport = Transport.fromScheme(endpoint).orElseThrow();
    this.offeredHeaders = offeredHeaders;
    this.trustManager = trustManager;
    this.keyManager = keyManager;
    this.sslParameters = sslParameters;
    this.proxy = proxy;
    this.httpClient = httpClient;
    this.source = source;
    this.usesHeldKey = usesHeldKey;
  }

  /** Returns the target the builder's settings describe. */
  public static ConnectionTarget initial(ClientConfig config, Executor executor) {
    try {
      HttpClient client =
          config.sharedHttpClient() != null
              ? config.sharedHttpClient()
              : buildHttpClient(
                  executor,
                  config.connectTimeout(),
                  config.trustManager(),
                  config.keyManager(),
                  null,
                  config.proxy());
      return new ConnectionTarget(
          config.serverUri(),
          Map.of(),
          config.trustManager(),
          config.keyManager(),
          null,
          config.proxy(),
          client,
          null,
          false);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * Derives the target an offer describes. Absent {@code headers}, {@code tls} and {@code proxy}
   * keep the current ones (CS-11, CS-12); an absent {@code certificate} means no client certificate
   * (CS-08, A-04); a certificate without {@code private_key} uses {@code heldKey}, the key of this
   * client's certificate request.
   *
   * @throws GeneralSecurityException if the offer cannot be used; the message says why
   */
  public ConnectionTarget derive(
      OpAMPConnectionSettings offer, PrivateKey heldKey, Executor executor, Duration connectTimeout)
      throws GeneralSecurityException {
    URI uri = parseEndpoint(offer.getDestinationEndpoint());
    Map<String, String> headers = offeredHeaders;
    if (offer.hasHeaders()) {
      // An offered header list replaces the previously offered one.
      Map<String, String> replaced = new LinkedHashMap<>();
      for (Header header : offer.getHeaders().getHeadersList()) {
        replaced.put(header.getKey(), header.getValue());
      }
      headers = Collections.unmodifiableMap(replaced);
    }
    X509KeyManager keys = null;
    boolean heldKeyUsed = false;
    if (offer.hasCertificate()) {
      TLSCertificate certificate = offer.getCertificate();
      List<X509Certificate> chain =
          new ArrayList<>(TlsContexts.certificates(certificate.getCert().toByteArray(), "cert"));
      PrivateKey key;
      if (certificate.getPrivateKey().isEmpty()) {
        if (heldKey == null) {
          throw new GeneralSecurityException(
              "certificate.private_key: empty and no certificate request key is held (expected:"
                  + " a PKCS#8 key, or a certificate issued for this client's request, A-05)");
        }
        if (!TlsContexts.matches(heldKey, chain.get(0))) {
          throw new GeneralSecurityException(
              "certificate.cert: does not match the key of this client's certificate request"
                  + " (expected: the certificate issued for it)");
        }
        key = heldKey;
        heldKeyUsed = true;
      } else {
        key = TlsContexts.privateKey(certificate.getPrivateKey().toByteArray(), "private_key");
        if (!TlsContexts.matches(key, chain.get(0))) {
          throw new GeneralSecurityException(
              "certificate: private_key does not belong to cert (expected: a matching pair)");
        }
      }
      if (!certificate.getCaCert().isEmpty()) {
        // Presented with the chain only; never trusted as an authority (CS-10).
        chain.addAll(TlsContexts.certificates(certificate.getCaCert().toByteArray(), "ca_cert"));
      }
      keys = TlsContexts.keyManager(key, chain);
    }
    X509TrustManager trust = trustManager;
    SSLParameters parameters = sslParameters;
    if (offer.hasTls()) {
      parameters = TlsContexts.parameters(offer.getTls());
      if (!offer.getTls().getCaPemContents().isEmpty()) {
        trust =
            TlsContexts.trustManager(
                TlsContexts.certificates(
                    offer
                        .getTls()
                        .getCaPemContents()
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "tls.ca_pem_contents"),
                offer.getTls().getIncludeSystemCaCertsPool());
      }
    }
    InetSocketAddress proxyAddress = proxy;
    if (offer.hasProxy()) {
      proxyAddress = parseProxy(offer.getProxy());
    }
    HttpClient client = httpClient;
    boolean sameTransportSettings =
        keys == keyManager
            && trust == trustManager
            && parameters == sslParameters
            && Objects.equals(proxyAddress, proxy);
    if (!sameTransportSettings) {
      client = buildHttpClient(executor, connectTimeout, trust, keys, parameters, proxyAddress);
    }
    return new ConnectionTarget(
        uri, headers, trust, keys, parameters, proxyAddress, client, offer, heldKeyUsed);
  }

  /**
   * Returns whether an offer would connect exactly as this target does (ignoring the heartbeat
   * interval), so that no switch is needed.
   */
  public boolean isSameAs(OpAMPConnectionSettings offer) {
    if (source == null) {
      return false;
    }
    return source.toBuilder()
        .clearHeartbeatIntervalSeconds()
        .build()
        .equals(offer.toBuilder().clearHeartbeatIntervalSeconds().build());
  }

  /** Returns the OpAMP endpoint. */
  public URI endpoint() {
    return endpoint;
  }

  /** Returns the transport the endpoint's scheme implies. */
  public Transport transport() {
    return transport;
  }

  /** Returns the headers the server offered, which override local ones of the same name. */
  public Map<String, String> offeredHeaders() {
    return offeredHeaders;
  }

  /** Returns the HttpClient for this target. */
  public HttpClient httpClient() {
    return httpClient;
  }

  /** Returns whether the client certificate uses the key of this client's certificate request. */
  public boolean usesHeldKey() {
    return usesHeldKey;
  }

  @Override
  public String toString() {
    // Never the headers: they may carry credentials.
    return endpoint.toString();
  }

  private static URI parseEndpoint(String endpoint) throws GeneralSecurityException {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new GeneralSecurityException(
          "destination_endpoint: " + endpoint + " is not a URI (expected: ws, wss, http or https)");
    }
    if (Transport.fromScheme(uri).isEmpty() || uri.getHost() == null) {
      throw new GeneralSecurityException(
          "destination_endpoint: "
              + endpoint
              + " (expected: a ws, wss, http or https URI with a host)");
    }
    return uri;
  }

  private static InetSocketAddress parseProxy(ProxyConnectionSettings proxy)
      throws GeneralSecurityException {
    String url = proxy.getUrl();
    if (url.isEmpty()) {
      throw new GeneralSecurityException(
          "proxy.url: empty (expected: host:port or http://host:port)");
    }
    if (proxy.hasConnectHeaders() && proxy.getConnectHeaders().getHeadersCount() > 0) {
      throw new GeneralSecurityException(
          "proxy.connect_headers: not supported (expected: none; the JDK HttpClient cannot add"
              + " headers to CONNECT requests)");
    }
    String withScheme = url.contains("://") ? url : "http://" + url;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw new GeneralSecurityException("proxy.url: " + url + " (expected: host:port)");
    }
    if (!"http".equals(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null
        || uri.getPort() < 0) {
      throw new GeneralSecurityException(
          "proxy.url: " + url + " (expected: an HTTP proxy, host:port or http://host:port)");
    }
    return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
  }

  private static HttpClient buildHttpClient(
      Executor executor,
      Duration connectTimeout,
      X509TrustManager trust,
      X509KeyManager keys,
      SSLParameters parameters,
      InetSocketAddress proxy)
      throws GeneralSecurityException {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1);
    if (trust != null || keys != null) {
      builder.sslContext(TlsContexts.sslContext(trust, keys));
    }
    if (parameters != null) {
      builder.sslParameters(parameters);
    }
    if (proxy != null) {
      builder.proxy(ProxySelector.of(proxy));
    }
    return builder.build();
  }
}
