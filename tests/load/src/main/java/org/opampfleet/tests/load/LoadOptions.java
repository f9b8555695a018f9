/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Everything a run is told: what to simulate, against what, for how long, and how to spread it.
 * Workers receive it as JSON.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param target the OpAMP endpoint, {@code ws://host:port/v1/opamp} (HTTP agents use the same host,
 *     port and path over {@code http})
 * @param scenario what the run does once connected
 * @param agents how many agents to simulate
 * @param mix which agents poll over HTTP
 * @param duration how long the scenario phase lasts at most, after every agent connected
 * @param heartbeat the WebSocket heartbeat interval
 * @param pollInterval the HTTP polling interval
 * @param failFraction the share of agents that report FAILED for a remote config
 * @param applyDelay how long an agent takes to apply a remote config
 * @param connectRate agents connected per second while ramping up, all workers together
 * @param maxPendingConnects connections being set up at once, per worker
 * @param connectTimeout how long the connect phase may take
 * @param settle how long to wait after connecting before measuring the server
 * @param workers worker processes; 0 picks the fewest that fit (in-process when one suffices)
 * @param maxSocketsPerWorker the most sockets one worker process may hold
 * @param agentsPerSourceAddress sockets per loopback source address; 0 binds none
 * @param httpConnections keep-alive connections shared by all HTTP agents
 * @param ioThreads event-loop threads per worker
 * @param workerJvmOptions JVM options of worker processes, space separated
 * @param metricsUrl the server's Prometheus endpoint, or null
 * @param rolloutUrl where a request with {@code rolloutMethod} triggers a rollout, or null
 * @param rolloutMethod the HTTP method of the rollout trigger: {@code POST} (the bench server) or
 *     {@code PUT} (the control plane's {@code /api/v1/configs/{name}})
 * @param rolloutBody the rollout request body, or null for none
 * @param restartUrl where a POST restarts the server, or null
 * @param apiHeaders {@code Name: value} headers sent with every request to the metrics, rollout and
 *     restart URLs (not to the OpAMP endpoint), e.g. {@code Authorization: Bearer <token>}
 * @param serverPid a server JVM on this machine that {@code jcmd PID GC.run} collects before each
 *     heap reading, for servers that ignore {@code ?gc=true}; 0 for none
 * @param rollouts how many rollouts the rollout scenario triggers, one after the other
 * @param stormMode how the storm scenario breaks connections
 * @param reconnectJitter the most an agent waits before its first reconnect attempt
 * @param churnRate health changes per second in the churn scenario, all workers together
 * @param effectiveConfigBytes the size of each agent's effective config
 * @param progressInterval how often the progress line is printed
 * @param seed the seed of every random choice
 */
record LoadOptions(
    URI target,
    Scenario scenario,
    int agents,
    TransportMix mix,
    Duration duration,
    Duration heartbeat,
    Duration pollInterval,
    double failFraction,
    Duration applyDelay,
    double connectRate,
    int maxPendingConnects,
    Duration connectTimeout,
    Duration settle,
    int workers,
    int maxSocketsPerWorker,
    int agentsPerSourceAddress,
    int httpConnections,
    int ioThreads,
    String workerJvmOptions,
    @Nullable URI metricsUrl,
    @Nullable URI rolloutUrl,
    String rolloutMethod,
    @Nullable String rolloutBody,
    @Nullable URI restartUrl,
    List<String> apiHeaders,
    long serverPid,
    int rollouts,
    StormMode stormMode,
    Duration reconnectJitter,
    double churnRate,
    int effectiveConfigBytes,
    Duration progressInterval,
    long seed) {

  /**
   * Validates every setting.
   *
   * @throws IllegalArgumentException naming the setting, its value and what is expected
   */
  LoadOptions {
    requireNonNull(target, "target");
    requireNonNull(scenario, "scenario");
    requireNonNull(mix, "mix");
    requireNonNull(stormMode, "stormMode");
    requireNonNull(workerJvmOptions, "workerJvmOptions");
    requireNonNull(rolloutMethod, "rolloutMethod");
    apiHeaders = List.copyOf(requireNonNull(apiHeaders, "apiHeaders"));
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("http")) {
      throw new IllegalArgumentException(
          "target: " + target + " (expected: ws://host:port/path or http://host:port/path)");
    }
    if (target.getHost() == null || target.getPort() < 1) {
      throw new IllegalArgumentException(
          "target: " + target + " (expected: a host and an explicit port)");
    }
    check(agents >= 1, "agents", agents, ">= 1");
    positive("duration", duration);
    positive("heartbeat", heartbeat);
    positive("poll-interval", pollInterval);
    check(failFraction >= 0 && failFraction <= 1, "fail-fraction", failFraction, "0 to 1");
    nonNegative("apply-delay", applyDelay);
    check(connectRate > 0, "connect-rate", connectRate, "> 0");
    check(maxPendingConnects >= 1, "max-pending-connects", maxPendingConnects, ">= 1");
    positive("connect-timeout", connectTimeout);
    nonNegative("settle", settle);
    check(workers >= 0, "workers", workers, ">= 0 (0 picks enough)");
    check(maxSocketsPerWorker >= 2, "max-sockets-per-worker", maxSocketsPerWorker, ">= 2");
    check(
        agentsPerSourceAddress >= 0,
        "agents-per-source-address",
        agentsPerSourceAddress,
        ">= 0 (0 binds no source address)");
    check(httpConnections >= 1, "http-connections", httpConnections, ">= 1");
    check(ioThreads >= 1, "io-threads", ioThreads, ">= 1");
    check(rollouts >= 1, "rollouts", rollouts, ">= 1");
    nonNegative("reconnect-jitter", reconnectJitter);
    check(churnRate > 0, "churn-rate", churnRate, "> 0");
    check(
        effectiveConfigBytes >= 256 && effectiveConfigBytes <= 1 << 20,
        "effective-config-bytes",
        effectiveConfigBytes,
        "256 to 1048576");
    positive("progress", progressInterval);
    check(
        rolloutMethod.equals("POST") || rolloutMethod.equals("PUT"),
        "rollout-method",
        rolloutMethod,
        "POST or PUT");
    for (String header : apiHeaders) {
      splitHeader(header);
    }
    check(serverPid >= 0, "server-pid", serverPid, ">= 0 (0: none)");
    if (scenario == Scenario.ROLLOUT && rolloutUrl == null) {
      throw new IllegalArgumentException(
          "rollout-url: not set (expected: --rollout-url, or --admin-url of a bench server, for"
              + " the rollout scenario)");
    }
    if (scenario == Scenario.STORM && stormMode == StormMode.SERVER_RESTART && restartUrl == null) {
      throw new IllegalArgumentException(
          "restart-url: not set (expected: --restart-url, or --admin-url of a bench server, for"
              + " --storm-mode server-restart)");
    }
    if (scenario == Scenario.POLL && mix.httpFraction() == 0) {
      throw new IllegalArgumentException(
          "transport: ws (expected: http or mixed for the poll scenario)");
    }
    if (scenario == Scenario.STORM && mix.httpFraction() == 1) {
      throw new IllegalArgumentException(
          "transport: http (expected: ws or mixed for the storm scenario: HTTP agents hold no"
              + " connection to drop)");
    }
  }

  /** Returns the WebSocket form of the target. */
  URI webSocketUri() {
    return withScheme("ws");
  }

  /** Returns the plain-HTTP form of the target. */
  URI httpUri() {
    return withScheme("http");
  }

  private URI withScheme(String scheme) {
    String path =
        target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    return URI.create(scheme + "://" + target.getHost() + ":" + target.getPort() + path);
  }

  /**
   * Splits a {@code Name: value} header into its name and value.
   *
   * @throws IllegalArgumentException if it is not a header the HTTP client may send
   */
  static String[] splitHeader(String header) {
    int colon = header.indexOf(':');
    String name = colon < 0 ? "" : header.substring(0, colon).strip();
    String value = colon < 0 ? "" : header.substring(colon + 1).strip();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "header: " + header + " (expected: Name: value, e.g. 'Authorization: Bearer <token>')");
    }
    try {
      HttpRequest.newBuilder().header(name, value); // rejects bad names and restricted headers
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "header: "
              + name
              + " (expected: a header the HTTP client may set: "
              + e.getMessage()
              + ")",
          e);
    }
    return new String[] {name, value};
  }

  private static void check(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
    }
  }

  private static void positive(String name, Duration value) {
    requireNonNull(value, name);
    check(!value.isNegative() && !value.isZero(), name, Durations.format(value), "> 0");
  }

  private static void nonNegative(String name, Duration value) {
    requireNonNull(value, name);
    check(!value.isNegative(), name, value, ">= 0");
  }
}
