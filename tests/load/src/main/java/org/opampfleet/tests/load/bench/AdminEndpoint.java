/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The admin side of a bench server, on its own port (JDK HTTP server, one thread):
 *
 * <ul>
 *   <li>{@code GET /metrics[?gc=true]}: Prometheus text; {@code gc=true} collects garbage first so
 *       the heap figure is the live set;
 *   <li>{@code POST /rollout[?bytes=N]}: pushes a new remote config to every connected agent;
 *   <li>{@code POST /restart[?downtime=1s]}: closes every connection and listens again after the
 *       downtime;
 *   <li>{@code GET /health}: {@code ok}.
 * </ul>
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class AdminEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  AdminEndpoint(String host, int port, BenchTarget target, int defaultConfigBytes)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "bench-admin");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange -> {
          StringBuilder out = new StringBuilder(4096);
          ProcessMetrics.appendTo(out, "true".equals(query(exchange).get("gc")));
          target.appendMetrics(out);
          respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", out.toString());
        });
    server.createContext(
        "/rollout",
        exchange -> {
          if (!requirePost(exchange)) {
            return;
          }
          int bytes = defaultConfigBytes;
          String requested = query(exchange).get("bytes");
          try {
            if (requested != null) {
              bytes = Integer.parseInt(requested);
            }
            if (bytes < 16 || bytes > 1 << 20) {
              throw new NumberFormatException();
            }
          } catch (NumberFormatException e) {
            respond(
                exchange,
                400,
                "text/plain",
                "bytes: " + requested + " (expected: 16 to 1048576)\n");
            return;
          }
          respond(exchange, 200, "application/json", target.rollout(bytes) + "\n");
        });
    server.createContext(
        "/restart",
        exchange -> {
          if (!requirePost(exchange)) {
            return;
          }
          Duration downtime = Duration.ofSeconds(1);
          String requested = query(exchange).get("downtime");
          if (requested != null) {
            try {
              downtime = Duration.parse("PT" + requested.toUpperCase(java.util.Locale.ROOT));
            } catch (RuntimeException e) {
              respond(
                  exchange, 400, "text/plain", "downtime: " + requested + " (expected: e.g. 1s)\n");
              return;
            }
          }
          try {
            respond(exchange, 202, "application/json", target.restart(downtime) + "\n");
          } catch (UnsupportedOperationException e) {
            respond(exchange, 501, "text/plain", e.getMessage() + "\n");
          }
        });
    server.createContext("/health", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
  }

  /** Starts serving. */
  void start() {
    server.start();
  }

  /** Returns the bound address. */
  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static boolean requirePost(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      respond(exchange, 405, "text/plain", "use POST\n");
      return false;
    }
    exchange.getRequestBody().readAllBytes();
    return true;
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new HashMap<>();
    URI uri = exchange.getRequestURI();
    String q = uri.getRawQuery();
    if (q != null) {
      for (String pair : q.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(pair.substring(0, eq), pair.substring(eq + 1));
        } else if (!pair.isEmpty()) {
          params.put(pair, "");
        }
      }
    }
    return params;
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
