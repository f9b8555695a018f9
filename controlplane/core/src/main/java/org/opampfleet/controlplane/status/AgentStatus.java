/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigVersion;

/**
 * The four independent status dimensions of an agent, derived from what it reported and what the
 * server wants it to run, each with the reason people need.
 *
 * @param connection connected, stale or disconnected
 * @param health the health rolled up from its component tree
 * @param healthReason the first failing component and its error; empty when healthy
 * @param config where the agent is with its desired configuration
 * @param desired the configuration version it should run; null when none matches
 * @param configReason e.g. {@code Failed v12: unknown type "otlphttp/2"}
 * @param drift whether it runs what it should
 * @param attentionRank sort key, 1 (most urgent) to 10
 */
public record AgentStatus(
    ConnectionStatus connection,
    HealthStatus health,
    String healthReason,
    ConfigStatus config,
    @Nullable ConfigVersion desired,
    String configReason,
    DriftStatus drift,
    int attentionRank) {

  /** Connection states. */
  public enum ConnectionStatus {
    /** Connected and heard from within the expected interval. */
    CONNECTED,
    /** Not heard from for longer than expected, not yet disconnected. */
    STALE,
    /** The connection ended, or a polling agent has been silent for long. */
    DISCONNECTED
  }

  /** Health states. */
  public enum HealthStatus {
    /** Root and every component healthy. */
    HEALTHY,
    /** Root healthy, a component unhealthy or with an error. */
    DEGRADED,
    /** Root unhealthy. */
    UNHEALTHY,
    /** Health not reported yet. */
    UNKNOWN,
    /** The agent does not report health (no ReportsHealth). */
    NOT_REPORTED
  }

  /** Remote-configuration states for the desired version. */
  public enum ConfigStatus {
    /** The agent reported APPLIED for the desired hash. */
    APPLIED,
    /** Offered, no final status yet. */
    APPLYING,
    /** Not delivered yet: offline, or an HTTP agent that has not polled since. */
    PENDING,
    /** The agent reported FAILED for the desired hash. */
    FAILED,
    /** Pending while connected, or applying, for longer than the threshold. */
    STUCK,
    /** The agent accepts remote configuration but no configuration matches it. */
    NO_CONFIG,
    /** The agent does not accept remote configuration. */
    NOT_SUPPORTED
  }

  /** Whether the agent runs what it should. */
  public enum DriftStatus {
    /** It reported applying the desired version. */
    IN_SYNC,
    /** A change is on its way. */
    CONVERGING,
    /** It runs something else and the change settled (failed or stuck). */
    DRIFTED,
    /** Unknown: no configuration assigned, or remote configuration not supported. */
    UNKNOWN
  }
}
