/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.util.Locale;

/** The latencies a run records, each in an HdrHistogram of microseconds. */
enum Latency {
  /** From starting a connection to the first reply on it (TCP + upgrade + first report). */
  CONNECT("connect: start of connection to first reply"),
  /** From writing an AgentToServer on a WebSocket to the next ServerToAgent on it. */
  REPLY("reply: WebSocket message to next server message"),
  /** From writing a plain-HTTP request to its complete response. */
  POLL("poll: HTTP request to response"),
  /** From the rollout trigger to the agent reporting APPLIED or FAILED. */
  ROLLOUT("rollout: config saved to APPLIED/FAILED reported"),
  /** From the storm start to the agent's first reply on its new connection. */
  RECONNECT("reconnect: storm start to first reply on the new connection"),
  /** From sending a changed health to the reply. */
  CHURN("churn: health change sent to reply");

  private final String description;

  Latency(String description) {
    this.description = description;
  }

  /** Returns what it measures, for the summary. */
  String description() {
    return description;
  }

  /** Returns the name used in the JSON result. */
  String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
