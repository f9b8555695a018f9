/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One worker's share of a run: a contiguous range of agent indexes, the sockets that range needs,
 * and the source addresses its sockets bind to.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param index the worker's number, from 0
 * @param firstAgent the index of the worker's first agent among all agents of the run
 * @param agents how many agents the worker simulates
 * @param webSocketAgents how many of them use WebSocket (one socket each)
 * @param httpAgents how many of them poll over plain HTTP
 * @param httpConnections the keep-alive connections the worker's HTTP agents share
 * @param sourceAddresses the loopback addresses its sockets bind to, round robin; empty to let the
 *     system choose
 * @param connectRate how many agents per second the worker connects while ramping up
 */
record WorkerPlan(
    int index,
    long firstAgent,
    int agents,
    int webSocketAgents,
    int httpAgents,
    int httpConnections,
    List<String> sourceAddresses,
    double connectRate) {

  /** Validates and copies. */
  WorkerPlan {
    requireNonNull(sourceAddresses, "sourceAddresses");
    sourceAddresses = List.copyOf(sourceAddresses);
    if (webSocketAgents + httpAgents != agents) {
      throw new IllegalArgumentException(
          "agents: " + agents + " (expected: webSocketAgents + httpAgents)");
    }
  }

  /** Returns how many sockets the worker holds at most: one per WebSocket agent plus its pool. */
  int sockets() {
    return webSocketAgents + httpConnections;
  }
}
