/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

/**
 * Where a client is in its life: returned by {@link OpampClient#connectionState()}.
 *
 * <p>For plain HTTP, which has no connection, {@link #CONNECTED} means that the last request got a
 * valid answer.
 *
 * <p><b>Thread safety:</b> an enum; immutable and thread-safe.
 */
public enum ConnectionState {
  /** Built but not started. */
  NOT_STARTED,
  /** Opening a connection (WebSocket) or waiting for the answer to a first request (HTTP). */
  CONNECTING,
  /** Talking to the server. */
  CONNECTED,
  /**
   * Waiting before the next attempt, after a failure or after the server asked the client to back
   * off. No heartbeats are sent in this state (HB-10).
   */
  WAITING_TO_RECONNECT,
  /** Sending {@code agent_disconnect} and closing, after {@link OpampClient#stopAsync()}. */
  STOPPING,
  /** Stopped for good; a stopped client cannot be started again. */
  STOPPED
}
