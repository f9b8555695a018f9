/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * One entry of an agent's timeline.
 *
 * @param instanceUid the agent
 * @param time when it happened
 * @param kind what happened
 * @param message details for people, e.g. the config version or the error
 */
public record AgentEvent(InstanceUid instanceUid, Instant time, Kind kind, String message) {

  /** Kinds of timeline events. */
  public enum Kind {
    /** A connection started. */
    CONNECTED,
    /** A connection ended. */
    DISCONNECTED,
    /** The server offered a remote configuration. */
    CONFIG_OFFERED,
    /** The agent reported it is applying a configuration. */
    CONFIG_APPLYING,
    /** The agent reported it applied a configuration. */
    CONFIG_APPLIED,
    /** The agent reported it failed to apply a configuration. */
    CONFIG_FAILED,
    /** The agent's overall health changed. */
    HEALTH_CHANGED,
    /** The agent's description changed. */
    DESCRIPTION_CHANGED,
    /** Server-side labels were edited. */
    LABELS_CHANGED,
    /** A restart was requested. */
    RESTART_REQUESTED
  }

  /** Validates the fields. */
  public AgentEvent {
    requireNonNull(instanceUid, "instanceUid");
    requireNonNull(time, "time");
    requireNonNull(kind, "kind");
    requireNonNull(message, "message");
  }
}
