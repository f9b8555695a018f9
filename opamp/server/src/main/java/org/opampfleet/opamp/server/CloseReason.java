/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server;

/** Why an agent connection ended. */
public enum CloseReason {
  /** The agent said goodbye with {@code agent_disconnect} (DC-04). */
  AGENT_DISCONNECTED,
  /**
   * The transport connection closed without a goodbye, e.g. the agent died or the network failed.
   */
  CONNECTION_LOST,
  /** Nothing arrived from the agent for longer than the idle timeout (HB-11, DC-05). */
  IDLE_TIMEOUT,
  /** The agent sent something that is not valid OpAMP and the connection was closed. */
  PROTOCOL_ERROR,
  /** A newer connection of the same agent instance took this one's place (WS-14, WS-15). */
  REPLACED,
  /** The application closed the connection with {@link AgentConnection#close()}. */
  CLOSED_BY_SERVER,
  /** The server is shutting down. */
  SERVER_SHUTDOWN
}
