/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import org.opampfleet.opamp.protocol.AgentCapabilities;

/**
 * A capability an agent reports in {@code AgentToServer.capabilities}.
 *
 * <p>The bits are those of the specification's {@code AgentCapabilities} enum; convert a whole
 * {@code AgentToServer.capabilities} field with {@link #BITMASK}.
 */
public enum AgentCapability implements BitFlag {
  /** Reports status; every agent must set it (GEN-03). */
  REPORTS_STATUS(AgentCapabilities.AgentCapabilities_ReportsStatus_VALUE),
  /** Accepts remote configuration. */
  ACCEPTS_REMOTE_CONFIG(AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig_VALUE),
  /** Reports the configuration it runs with. */
  REPORTS_EFFECTIVE_CONFIG(AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig_VALUE),
  /** Accepts package offers. */
  ACCEPTS_PACKAGES(AgentCapabilities.AgentCapabilities_AcceptsPackages_VALUE),
  /** Reports package statuses. */
  REPORTS_PACKAGE_STATUSES(AgentCapabilities.AgentCapabilities_ReportsPackageStatuses_VALUE),
  /** Can send its own traces to a destination the server offers. */
  REPORTS_OWN_TRACES(AgentCapabilities.AgentCapabilities_ReportsOwnTraces_VALUE),
  /** Can send its own metrics to a destination the server offers. */
  REPORTS_OWN_METRICS(AgentCapabilities.AgentCapabilities_ReportsOwnMetrics_VALUE),
  /** Can send its own logs to a destination the server offers. */
  REPORTS_OWN_LOGS(AgentCapabilities.AgentCapabilities_ReportsOwnLogs_VALUE),
  /** Accepts settings for its OpAMP connection. */
  ACCEPTS_OPAMP_CONNECTION_SETTINGS(
      AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings_VALUE),
  /** Accepts settings for other named destinations. */
  ACCEPTS_OTHER_CONNECTION_SETTINGS(
      AgentCapabilities.AgentCapabilities_AcceptsOtherConnectionSettings_VALUE),
  /** Accepts the restart command. */
  ACCEPTS_RESTART_COMMAND(AgentCapabilities.AgentCapabilities_AcceptsRestartCommand_VALUE),
  /** Reports its health. */
  REPORTS_HEALTH(AgentCapabilities.AgentCapabilities_ReportsHealth_VALUE),
  /** Reports the status of remote configuration it received. */
  REPORTS_REMOTE_CONFIG(AgentCapabilities.AgentCapabilities_ReportsRemoteConfig_VALUE),
  /** Sends heartbeats. */
  REPORTS_HEARTBEAT(AgentCapabilities.AgentCapabilities_ReportsHeartbeat_VALUE),
  /** Reports the components it is built with. */
  REPORTS_AVAILABLE_COMPONENTS(
      AgentCapabilities.AgentCapabilities_ReportsAvailableComponents_VALUE),
  /** Reports the status of connection settings it received. */
  REPORTS_CONNECTION_SETTINGS_STATUS(
      AgentCapabilities.AgentCapabilities_ReportsConnectionSettingsStatus_VALUE);

  /** Converts {@code AgentToServer.capabilities} masks to and from sets of this enum. */
  public static final Bitmask<AgentCapability> BITMASK = Bitmask.of(AgentCapability.class);

  private final long bit;

  AgentCapability(long bit) {
    this.bit = bit;
  }

  @Override
  public long bit() {
    return bit;
  }
}
