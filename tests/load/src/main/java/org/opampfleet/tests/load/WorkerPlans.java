/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a run over worker processes so that each stays under the per-process open-file cap, and
 * over loopback source addresses so that each stays clear of the ephemeral-port range.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class WorkerPlans {
  private WorkerPlans() {}

  /**
   * What the split depends on.
   *
   * @param agents all agents of the run
   * @param mix which agents poll over HTTP
   * @param httpConnections keep-alive connections for all HTTP agents together
   * @param requestedWorkers worker processes asked for; 0 picks the fewest that fit
   * @param maxSocketsPerWorker the most sockets one worker may hold (below the open-file cap)
   * @param agentsPerSourceAddress the most sockets bound to one source address; 0 binds none
   * @param connectRate agents per second for the whole run while ramping up
   */
  record Request(
      int agents,
      TransportMix mix,
      int httpConnections,
      int requestedWorkers,
      int maxSocketsPerWorker,
      int agentsPerSourceAddress,
      double connectRate) {}

  /**
   * Returns one plan per worker.
   *
   * @throws IllegalArgumentException if the requested number of workers cannot hold the sockets, or
   *     the source addresses run out; the message says what to change
   */
  static List<WorkerPlan> split(Request request) {
    if (request.agents() < 1) {
      throw new IllegalArgumentException("agents: " + request.agents() + " (expected: >= 1)");
    }
    if (request.maxSocketsPerWorker() < 2) {
      throw new IllegalArgumentException(
          "maxSocketsPerWorker: " + request.maxSocketsPerWorker() + " (expected: >= 2)");
    }
    long httpTotal = request.mix().httpAgents(0, request.agents());
    long wsTotal = request.agents() - httpTotal;
    int pool =
        httpTotal == 0 ? 0 : (int) Math.max(1, Math.min(request.httpConnections(), httpTotal));
    long sockets = wsTotal + pool;
    int workers = request.requestedWorkers();
    if (workers <= 0) {
      workers = (int) Math.max(1, ceilDiv(sockets, request.maxSocketsPerWorker()));
      // Every worker needs at least one connection to serve its HTTP agents.
      workers = Math.min(workers, request.agents());
    }
    if (workers > request.agents()) {
      throw new IllegalArgumentException(
          "workers: " + workers + " (expected: at most one per agent, " + request.agents() + ")");
    }
    List<WorkerPlan> plans = new ArrayList<>(workers);
    int nextHost = SourceAddresses.FIRST_HOST;
    for (int w = 0; w < workers; w++) {
      long from = (long) request.agents() * w / workers;
      long to = (long) request.agents() * (w + 1) / workers;
      int http = (int) request.mix().httpAgents(from, to);
      int ws = (int) (to - from) - http;
      int connections = 0;
      if (http > 0) {
        connections = (int) Math.max(1, Math.min(http, share(pool, w, workers)));
      }
      int workerSockets = ws + connections;
      if (workerSockets > request.maxSocketsPerWorker()) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "worker %d would hold %,d sockets, over --max-sockets-per-worker %,d (each process"
                    + " is capped by its open-file limit); use --workers %d or more, or leave"
                    + " --workers unset to pick enough",
                w,
                workerSockets,
                request.maxSocketsPerWorker(),
                ceilDiv(sockets, request.maxSocketsPerWorker())));
      }
      List<String> addresses = List.of();
      if (request.agentsPerSourceAddress() > 0) {
        int count = SourceAddresses.needed(workerSockets, request.agentsPerSourceAddress());
        addresses = SourceAddresses.range(nextHost, count);
        nextHost += count;
      }
      plans.add(
          new WorkerPlan(
              w,
              from,
              (int) (to - from),
              ws,
              http,
              connections,
              addresses,
              request.connectRate() * (to - from) / request.agents()));
    }
    return List.copyOf(plans);
  }

  private static long share(long total, int w, int workers) {
    long a = total * w / workers;
    long b = total * (w + 1) / workers;
    return Math.max(1, b - a);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
