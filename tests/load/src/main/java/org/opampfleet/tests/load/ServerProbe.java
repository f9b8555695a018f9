/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * Talks to the server under test beside OpAMP: reads its {@code /metrics} and triggers rollouts and
 * restarts over HTTP.
 *
 * <p>Metric names follow the OpenTelemetry semantic conventions as a Prometheus exporter writes
 * them ({@code jvm_memory_used_after_last_gc_bytes}, {@code jvm_cpu_time_seconds_total}, …), with
 * the classic Prometheus client names as fallbacks, so the same probe reads the bench server and,
 * later, the control plane. {@code ?gc=true} asks the bench server to collect garbage first, so the
 * heap figure is the live set; other servers ignore it.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class ServerProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final @Nullable URI metricsUrl;

  ServerProbe(@Nullable URI metricsUrl) {
    this.metricsUrl = metricsUrl;
  }

  /**
   * What the server said about itself at one moment. NaN where it did not say.
   *
   * @param atNanos when it was read, {@link System#nanoTime()}
   * @param heapUsedBytes heap in use now
   * @param heapAfterGcBytes heap in use after the last collection: the live set after {@code
   *     ?gc=true}
   * @param cpuSeconds process CPU time so far
   * @param residentBytes resident set size
   * @param directBytes direct (off-heap) buffer memory, JDK and Netty
   * @param connectedAgents agents the server counts as connected
   * @param openFiles open file descriptors
   */
  record Sample(
      long atNanos,
      double heapUsedBytes,
      double heapAfterGcBytes,
      double cpuSeconds,
      double residentBytes,
      double directBytes,
      double connectedAgents,
      double openFiles) {}

  /** Returns whether a metrics endpoint is configured. */
  boolean hasMetrics() {
    return metricsUrl != null;
  }

  /** Reads the metrics; empty when none are configured or the server does not answer. */
  Optional<Sample> sample(boolean collectGarbage) {
    if (metricsUrl == null) {
      return Optional.empty();
    }
    URI uri =
        collectGarbage
            ? URI.create(metricsUrl + (metricsUrl.getQuery() == null ? "?" : "&") + "gc=true")
            : metricsUrl;
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(read(PrometheusText.parse(response.body()), System.nanoTime()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Reads a sample from an exposition. */
  static Sample read(PrometheusText metrics, long atNanos) {
    Map<String, String> heap = Map.of("jvm_memory_type", "heap");
    return new Sample(
        atNanos,
        or(
            metrics.sum("jvm_memory_used_bytes", heap),
            metrics.sum("jvm_memory_bytes_used", Map.of("area", "heap"))),
        or(metrics.sum("jvm_memory_used_after_last_gc_bytes", heap), OptionalDouble.empty()),
        or(
            metrics.firstOf("jvm_cpu_time_seconds_total", "process_cpu_seconds_total"),
            OptionalDouble.empty()),
        or(metrics.firstOf("process_resident_memory_bytes"), OptionalDouble.empty()),
        or(
                metrics.sum(
                    "jvm_buffer_memory_used_bytes", Map.of("jvm_buffer_pool_name", "direct")),
                OptionalDouble.empty())
            + metrics.firstOf("netty_direct_memory_used_bytes").orElse(0),
        or(
            metrics.firstOf("opamp_server_agents_connected", "opampfleet_agents_connected"),
            OptionalDouble.empty()),
        or(metrics.firstOf("process_open_fds"), OptionalDouble.empty()));
  }

  /**
   * Sends a POST and returns the status and body.
   *
   * @throws IOException if the server cannot be reached
   */
  Response post(URI uri, @Nullable String body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
    if (body == null) {
      request.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + uri, e);
    }
  }

  /**
   * An HTTP answer.
   *
   * @param status the status code
   * @param body the body text
   */
  record Response(int status, String body) {}

  private static double or(OptionalDouble first, OptionalDouble second) {
    return first.isPresent() ? first.getAsDouble() : second.orElse(Double.NaN);
  }
}
