/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.opampfleet.controlplane.auth.ApiTokens;
import org.opampfleet.controlplane.testing.FakeTokenStore;
import org.opampfleet.controlplane.testing.TestFleet;

/** A {@link WebServer} on an ephemeral port over a {@link TestFleet}, with an API token. */
final class WebTestServer implements AutoCloseable {
  final TestFleet fleet = new TestFleet();
  final ApiTokens tokens = new ApiTokens(new FakeTokenStore(), fleet.clock);
  final String token = tokens.create("admin").secret();
  final WebServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  WebTestServer(AuthMode mode) {
    server =
        WebServer.builder()
            .services(
                new WebServices(
                    fleet.inventory,
                    fleet.configs,
                    fleet.delivery,
                    fleet.view,
                    tokens,
                    fleet.events,
                    fleet.clock))
            .host("127.0.0.1")
            .port(0)
            .authMode(mode)
            .serverInfo(new ServerInfo("test", "ws://127.0.0.1:4320/v1/opamp"))
            .metrics(() -> "opampfleet_up 1\n")
            .liveUpdateInterval(Duration.ofMillis(200))
            .build();
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token);
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  HttpResponse<String> json(String method, String path, String body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  @Override
  public void close() {
    server.stop();
  }
}
