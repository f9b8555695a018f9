/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

import org.opampfleet.opamp.protocol.wire.AgentCapability;

/**
 * The kinds of its own telemetry an agent can send to a destination the server offers.
 *
 * <p><b>Thread safety:</b> an enum; immutable and thread-safe.
 */
public enum TelemetrySignal {
  /** Own metrics: {@code ConnectionSettingsOffers.own_metrics}. */
  METRICS(AgentCapability.REPORTS_OWN_METRICS),
  /** Own traces: {@code ConnectionSettingsOffers.own_traces}. */
  TRACES(AgentCapability.REPORTS_OWN_TRACES),
  /** Own logs: {@code ConnectionSettingsOffers.own_logs}. */
  LOGS(AgentCapability.REPORTS_OWN_LOGS);

  private final AgentCapability capability;

  TelemetrySignal(AgentCapability capability) {
    this.capability = capability;
  }

  /** Returns the capability the agent must declare to receive settings for this signal. */
  public AgentCapability capability() {
    return capability;
  }
}
