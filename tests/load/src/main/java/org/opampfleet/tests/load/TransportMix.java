/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

/**
 * Which simulated agents use plain HTTP polling and which use WebSocket: a fraction of HTTP agents,
 * spread evenly over the agent indexes so that every contiguous range of agents (one worker's
 * share) has the same mix.
 *
 * <p>Agent {@code i} polls over HTTP when {@code floor((i + 1) * f) > floor(i * f)}, so the first
 * {@code n} agents hold exactly {@code floor(n * f)} HTTP agents.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param httpFraction the share of agents that poll over HTTP, from 0 (all WebSocket) to 1 (all
 *     HTTP)
 */
record TransportMix(double httpFraction) {

  /** Every agent on WebSocket. */
  static final TransportMix WEBSOCKET = new TransportMix(0);

  /** Every agent on plain HTTP. */
  static final TransportMix HTTP = new TransportMix(1);

  /** Validates the fraction. */
  TransportMix {
    if (!(httpFraction >= 0 && httpFraction <= 1)) {
      throw new IllegalArgumentException("httpFraction: " + httpFraction + " (expected: 0 to 1)");
    }
  }

  /** Returns whether agent {@code index} polls over plain HTTP. */
  boolean isHttp(long index) {
    return httpAgentsBelow(index + 1) > httpAgentsBelow(index);
  }

  /** Returns how many of the agents {@code from} (inclusive) to {@code to} (exclusive) use HTTP. */
  long httpAgents(long from, long to) {
    return httpAgentsBelow(to) - httpAgentsBelow(from);
  }

  /** Returns how many of the agents {@code from} to {@code to} (exclusive) use WebSocket. */
  long webSocketAgents(long from, long to) {
    return (to - from) - httpAgents(from, to);
  }

  private long httpAgentsBelow(long n) {
    if (httpFraction == 1) {
      return n;
    }
    // Exact for fractions with up to six decimals; avoids double rounding drift at 100,000 agents.
    long perMillion = Math.round(httpFraction * 1_000_000);
    return Math.floorDiv(n * perMillion, 1_000_000);
  }
}
