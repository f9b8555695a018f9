/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The supervisor's own HTTP endpoint ({@code healthcheck.endpoint}):
 *
 * <ul>
 *   <li>{@code GET /health}: as upstream (compat reference 4.7): 200 once the persistent state is
 *       loaded and a collector configuration composed; before that 503 with {@code persistent state
 *       is nil} or {@code config state is nil}. It does not reflect the collector.
 *   <li>{@code GET /ready} (ours): 200 when the collector is healthy (or deliberately stopped), 503
 *       otherwise, with a JSON body giving the reason;
 *   <li>{@code GET /metrics} (ours): the supervisor's metrics in Prometheus text form.
 * </ul>
 *
 * <p>With a null {@link Source} only {@code /metrics} is served (a Prometheus pull reader of {@code
 * telemetry.metrics.readers}).
 *
 * <p><b>Thread safety:</b> thread-safe; requests are served one at a time on the server's own
 * dispatcher thread.
 */
public final class HealthEndpoint implements AutoCloseable {
  /** What the endpoint reports; every method must be fast and thread-safe. */
  public interface Source {
    /** Returns null when {@code /health} is OK, else the 503 reason. */
    @Nullable String healthProblem();

    /** Returns null when {@code /ready} is OK, else the 503 reason. */
    @Nullable String readinessProblem();
  }

  private final HttpServer server;

  private HealthEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code host:port} ({@code ""} host = every interface).
   *
   * @throws UncheckedIOException if it cannot bind; the message names the address
   */
  public static HealthEndpoint start(
      String host, int port, @Nullable Source source, Supplier<String> metrics) {
    InetSocketAddress address =
        host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "healthcheck::endpoint: cannot listen on " + host + ":" + port + ": " + e.getMessage(),
          e);
    }
    if (source != null) {
      addHealth(server, source);
    }
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    server.start();
    return new HealthEndpoint(server);
  }

  private static void addHealth(HttpServer server, Source source) {
    server.createContext(
        "/health",
        exchange -> {
          String problem = source.healthProblem();
          respond(
              exchange, problem == null ? 200 : 503, "text/plain", problem == null ? "" : problem);
        });
    server.createContext(
        "/ready",
        exchange -> {
          String problem = source.readinessProblem();
          respond(
              exchange,
              problem == null ? 200 : 503,
              "application/json",
              problem == null
                  ? "{\"ready\":true}"
                  : "{\"ready\":false,\"reason\":\""
                      + problem.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                      + "\"}");
        });
  }

  /** Returns the bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      if (bytes.length == 0) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
