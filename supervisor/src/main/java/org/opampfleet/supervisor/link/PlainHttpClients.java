/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.link;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * JDK HTTP clients for plain {@code ws://} and {@code http://} endpoints. The JDK client builds its
 * default TLS context eagerly, which loads the JDK's TLS implementation and parses and keeps the
 * platform's whole CA store (hundreds of classes and a megabyte of heap on every host) although a
 * plain endpoint never uses TLS; these clients carry a TLS context that cannot connect instead.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class PlainHttpClients {
  private PlainHttpClients() {}

  /** Returns a client with the OpAMP client library's settings (HTTP/1.1, no redirects). */
  static HttpClient create(Executor executor, Duration connectTimeout) {
    return HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(trustingNothing())
        .build();
  }

  private static SSLContext trustingNothing() {
    return new NoTlsContext();
  }

  /**
   * A TLS context that cannot make connections: building it loads none of the JDK's TLS
   * implementation (hundreds of classes), which a plain endpoint never needs.
   */
  private static final class NoTlsContext extends SSLContext {
    NoTlsContext() {
      super(new NoTls(), null, "TLS");
    }
  }

  private static final class NoTls extends SSLContextSpi {
    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {}

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return new SSLParameters();
    }

    private static UnsupportedOperationException refused() {
      return new UnsupportedOperationException(
          "TLS is not used on a plain ws:// or http:// endpoint");
    }
  }
}
