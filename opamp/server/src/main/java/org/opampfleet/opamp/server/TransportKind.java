/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

/** How an agent is connected to the server. */
public enum TransportKind {
  /** A WebSocket connection: full duplex, the server can push at any time. */
  WEBSOCKET,
  /** Plain HTTP polling: the server answers each POST and can only speak when polled. */
  HTTP
}
