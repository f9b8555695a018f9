/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A tiny HTTP listener serving one path, for the {@code health_check} extension and the Prometheus
 * self-metrics.
 *
 * <p><b>Thread safety:</b> thread-safe; requests are served one at a time on the listener's own
 * thread.
 */
final class HttpEndpoint implements AutoCloseable {
  /** One response: status, content type and body. */
  record Response(int status, String contentType, String body) {}

  private final HttpServer server;

  private HttpEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code host:port} and answers {@code path} (and everything below it) with what
   * {@code responder} returns.
   *
   * @throws IOException if the address cannot be bound
   */
  static HttpEndpoint start(String host, int port, String path, Supplier<Response> responder)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            Response response = responder.get();
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
    return new HttpEndpoint(server);
  }

  /** Returns the bound port. */
  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
