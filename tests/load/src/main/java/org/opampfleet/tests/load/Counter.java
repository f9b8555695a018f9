/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.util.Locale;

/** The events a run counts; they appear by these names, in lower case, in the JSON result. */
enum Counter {
  /** AgentToServer messages written, any transport. */
  MESSAGES_SENT,
  /** ServerToAgent messages decoded, any transport. */
  MESSAGES_RECEIVED,
  /** Bytes of OpAMP payload written (WebSocket message or HTTP body). */
  BYTES_SENT,
  /** Bytes of OpAMP payload received. */
  BYTES_RECEIVED,
  /** WebSocket heartbeats: messages sent only because the heartbeat interval passed. */
  HEARTBEATS_SENT,
  /** Plain-HTTP requests sent (polls and status reports). */
  POLLS_SENT,
  /** HTTP polls that left more than a second after they were due: the generator fell behind. */
  LATE_POLLS,
  /** Messages carrying changed status (description, health, config, remote config status). */
  STATUS_REPORTS_SENT,
  /** Replies with the ReportFullState flag. */
  FULL_STATE_REQUESTED,
  /** Remote config offers with a hash the agent did not have. */
  CONFIGS_RECEIVED,
  /** Remote configs reported APPLIED. */
  CONFIGS_APPLIED,
  /** Remote configs reported FAILED. */
  CONFIGS_FAILED,
  /** Health changes the churn scenario made. */
  HEALTH_CHANGES,
  /** Connection attempts started (TCP connect + WebSocket upgrade). */
  CONNECT_ATTEMPTS,
  /** WebSocket connections that completed the upgrade. */
  WEBSOCKETS_OPENED,
  /** Reconnections after a connection ended. */
  RECONNECTS,
  /** HTTP 503 answers (upgrade or poll). */
  REJECTED_HTTP_503,
  /** HTTP 429 answers (upgrade or poll). */
  REJECTED_HTTP_429,
  /** ServerErrorResponse UNAVAILABLE answers on a WebSocket. */
  REJECTED_UNAVAILABLE,
  /** Rejections that told the agent when to retry (Retry-After or retry_info), and it waited. */
  RETRY_AFTER_HONOURED;

  /** Returns the name used in the JSON result. */
  String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
