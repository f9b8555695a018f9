/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

/** What a run does once its agents are connected. */
enum Scenario {
  /** Hold the agents connected, heartbeating, and measure the server's memory and CPU. */
  IDLE,
  /** Trigger a rollout and measure how long until every agent reported APPLIED (or FAILED). */
  ROLLOUT,
  /** Drop every WebSocket connection at once (or restart the server) and time the way back. */
  STORM,
  /** Plain-HTTP agents poll: measure polls per second and their latency. */
  POLL,
  /** Agents change health at a set rate: measure changes per second and their latency. */
  CHURN
}
