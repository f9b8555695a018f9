/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

/** How an agent reaches the control plane. */
public enum Transport {
  /** A WebSocket connection. */
  WEBSOCKET,
  /** Plain-HTTP polling. */
  HTTP
}
