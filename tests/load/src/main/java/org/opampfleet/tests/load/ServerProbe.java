/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Talks to the server under test beside OpAMP: reads its {@code /metrics} and triggers rollouts and
 * restarts over HTTP, with the configured headers (e.g. the control plane's API token) on every
 * request.
 *
 * <p>Metric names follow the OpenTelemetry semantic conventions as a Prometheus exporter writes
 * them ({@code jvm_memory_used_after_last_gc_bytes}, {@code jvm_cpu_time_seconds_total}, …), with
 * the names the control plane writes ({@code jvm_memory_used}, {@code jvm_cpu_time_total}, {@code
 * controlplane_agents{state="connected"}}) and the classic Prometheus client names as fallbacks, so
 * the same probe reads the bench server and the control plane. {@code ?gc=true} asks the bench
 * server to collect garbage first, so the heap figure is the live set; other servers ignore it. For
 * those, a server process id makes the probe run {@code jcmd PID GC.run} before the reading, and
 * the heap in use right after that full collection stands for the live set.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class ServerProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final @Nullable URI metricsUrl;
  private final List<String[]> headers;
  private final GarbageCollector collector;
  private volatile @Nullable String lastCollectionError;

  /** Collects garbage in the server before a heap reading. */
  @FunctionalInterface
  interface GarbageCollector {
    /** None: only {@code ?gc=true}. */
    GarbageCollector NONE = () -> false;

    /**
     * Runs a full collection in the server; returns whether it ran.
     *
     * @throws IOException naming why it could not run
     */
    boolean collect() throws IOException;
  }

  /**
   * Creates a probe.
   *
   * @param metricsUrl the Prometheus endpoint, or null for none
   * @param headers {@code Name: value} headers for every request
   * @param collector collects garbage in the server before a heap reading
   */
  ServerProbe(@Nullable URI metricsUrl, List<String> headers, GarbageCollector collector) {
    this.metricsUrl = metricsUrl;
    this.headers = headers.stream().map(LoadOptions::splitHeader).toList();
    this.collector = requireNonNull(collector, "collector");
  }

  /** Creates the probe a run's options describe. */
  static ServerProbe of(LoadOptions options) {
    return new ServerProbe(
        options.metricsUrl(),
        options.apiHeaders(),
        options.serverPid() > 0 ? jcmd(options.serverPid()) : GarbageCollector.NONE);
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

  /**
   * Reads the metrics; empty when none are configured or the server does not answer. With {@code
   * collectGarbage}, the server collects garbage first (see the class comment).
   */
  Optional<Sample> sample(boolean collectGarbage) {
    if (metricsUrl == null) {
      return Optional.empty();
    }
    boolean collected = false;
    if (collectGarbage) {
      try {
        collected = collector.collect();
        lastCollectionError = null;
      } catch (IOException e) {
        lastCollectionError = e.getMessage();
      }
    }
    URI uri =
        collectGarbage
            ? URI.create(metricsUrl + (metricsUrl.getQuery() == null ? "?" : "&") + "gc=true")
            : metricsUrl;
    try {
      HttpResponse<String> response =
          client.send(
              request("GET", uri, null),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(read(PrometheusText.parse(response.body()), System.nanoTime(), collected));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Returns why the last garbage collection asked for could not run, or null if it ran. */
  @Nullable String lastCollectionError() {
    return lastCollectionError;
  }

  /** Reads a sample from an exposition. */
  static Sample read(PrometheusText metrics, long atNanos) {
    return read(metrics, atNanos, false);
  }

  /**
   * Reads a sample from an exposition.
   *
   * @param collectedJustBefore whether a full collection ran just before the exposition was
   *     written: then, without an after-GC metric, the heap in use is the live set
   */
  static Sample read(PrometheusText metrics, long atNanos, boolean collectedJustBefore) {
    Map<String, String> heap = Map.of("jvm_memory_type", "heap");
    double heapUsed =
        first(
            metrics.sum("jvm_memory_used_bytes", heap),
            metrics.sum("jvm_memory_used", heap),
            metrics.sum("jvm_memory_bytes_used", Map.of("area", "heap")));
    double heapAfterGc = first(metrics.sum("jvm_memory_used_after_last_gc_bytes", heap));
    if (Double.isNaN(heapAfterGc) && collectedJustBefore) {
      heapAfterGc = heapUsed;
    }
    return new Sample(
        atNanos,
        heapUsed,
        heapAfterGc,
        first(
            metrics.firstOf(
                "jvm_cpu_time_seconds_total", "jvm_cpu_time_total", "process_cpu_seconds_total")),
        first(metrics.firstOf("process_resident_memory_bytes")),
        first(metrics.sum("jvm_buffer_memory_used_bytes", Map.of("jvm_buffer_pool_name", "direct")))
            + metrics.firstOf("netty_direct_memory_used_bytes").orElse(0),
        first(
            metrics.firstOf("opamp_server_agents_connected", "opampfleet_agents_connected"),
            metrics.sum("controlplane_agents", Map.of("state", "connected"))),
        first(metrics.firstOf("process_open_fds")));
  }

  /**
   * Sends a request and returns the status and body.
   *
   * @param method {@code POST} or {@code PUT}
   * @param body a JSON body, or null for none
   * @throws IOException if the server cannot be reached
   */
  Response send(String method, URI uri, @Nullable String body) throws IOException {
    try {
      HttpResponse<String> response =
          client.send(
              request(method, uri, body),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + uri, e);
    }
  }

  /** Builds a request with the configured headers. */
  HttpRequest request(String method, URI uri, @Nullable String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
    for (String[] header : headers) {
      request.header(header[0], header[1]);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    return request.build();
  }

  /** Returns the {@code jcmd} command line that runs a full collection in a local JVM. */
  static List<String> jcmdCommand(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return List.of(
        Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), "GC.run");
  }

  /** Collects garbage in a local JVM with {@code jcmd PID GC.run}. */
  static GarbageCollector jcmd(long pid) {
    List<String> command = jcmdCommand(pid);
    return () -> {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        // Its few lines of output fit in the pipe: wait first, bounded, then read them.
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + String.join(" ", command), e);
      }
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " exited with " + process.exitValue() + ": " + output);
      }
      return true;
    };
  }

  /**
   * An HTTP answer.
   *
   * @param status the status code
   * @param body the body text
   */
  record Response(int status, String body) {}

  /** Returns the first value present, or NaN. */
  private static double first(OptionalDouble... values) {
    for (OptionalDouble value : values) {
      if (value.isPresent()) {
        return value.getAsDouble();
      }
    }
    return Double.NaN;
  }
}
