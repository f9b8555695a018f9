/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import java.util.ArrayList;
import java.util.List;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;

/**
 * Leaves out of a {@code ServerToAgent} the parts the agent's capabilities do not accept (GEN-06;
 * the gating table of checklist section 4.1).
 *
 * <p>Internal; not API; may change without notice. Stateless.
 */
final class CapabilityFilter {
  private CapabilityFilter() {}

  /**
   * Removes from {@code message} what the agent cannot take and returns the names of the removed
   * parts, empty when nothing was removed.
   *
   * @param agentCapabilities the agent's last reported capabilities
   * @param agentCustomCapabilities the custom capabilities the agent last announced
   */
  static List<String> strip(
      ServerToAgent.Builder message, long agentCapabilities, List<String> agentCustomCapabilities) {
    List<String> removed = new ArrayList<>(0);
    if (message.hasRemoteConfig()
        && !AgentCapability.ACCEPTS_REMOTE_CONFIG.isSetIn(agentCapabilities)) {
      message.clearRemoteConfig();
      removed.add("remote_config");
    }
    if (message.hasPackagesAvailable()
        && !AgentCapability.ACCEPTS_PACKAGES.isSetIn(agentCapabilities)) {
      message.clearPackagesAvailable();
      removed.add("packages_available");
    }
    if (message.hasCommand()
        && !AgentCapability.ACCEPTS_RESTART_COMMAND.isSetIn(agentCapabilities)) {
      message.clearCommand();
      removed.add("command");
    }
    if (ServerToAgentFlag.REPORT_AVAILABLE_COMPONENTS.isSetIn(message.getFlags())
        && !AgentCapability.REPORTS_AVAILABLE_COMPONENTS.isSetIn(agentCapabilities)) {
      message.setFlags(message.getFlags() & ~ServerToAgentFlag.REPORT_AVAILABLE_COMPONENTS.bit());
      removed.add("flags.ReportAvailableComponents");
    }
    if (message.hasCustomMessage()
        && !agentCustomCapabilities.contains(message.getCustomMessage().getCapability())) {
      // CU-06: only for a capability the agent announced.
      message.clearCustomMessage();
      removed.add("custom_message");
    }
    if (message.hasConnectionSettings()) {
      ConnectionSettingsOffers.Builder offers = message.getConnectionSettings().toBuilder();
      stripConnectionSettings(offers, agentCapabilities, removed);
      if (offers.hasOpamp()
          || offers.hasOwnMetrics()
          || offers.hasOwnTraces()
          || offers.hasOwnLogs()
          || offers.getOtherConnectionsCount() > 0) {
        message.setConnectionSettings(offers);
      } else {
        message.clearConnectionSettings();
      }
    }
    return removed;
  }

  private static void stripConnectionSettings(
      ConnectionSettingsOffers.Builder offers, long caps, List<String> removed) {
    if (offers.hasOpamp() && !AgentCapability.ACCEPTS_OPAMP_CONNECTION_SETTINGS.isSetIn(caps)) {
      if (AgentCapability.REPORTS_HEARTBEAT.isSetIn(caps)) {
        // a heartbeat-capable agent takes the heartbeat interval even without the
        // capability for the rest of the OpAMP settings.
        long interval = offers.getOpamp().getHeartbeatIntervalSeconds();
        offers.setOpamp(
            offers.getOpamp().toBuilder().clear().setHeartbeatIntervalSeconds(interval));
        removed.add("connection_settings.opamp (all but heartbeat_interval_seconds)");
      } else {
        offers.clearOpamp();
        removed.add("connection_settings.opamp");
      }
    }
    if (offers.hasOwnMetrics() && !AgentCapability.REPORTS_OWN_METRICS.isSetIn(caps)) {
      offers.clearOwnMetrics();
      removed.add("connection_settings.own_metrics");
    }
    if (offers.hasOwnTraces() && !AgentCapability.REPORTS_OWN_TRACES.isSetIn(caps)) {
      offers.clearOwnTraces();
      removed.add("connection_settings.own_traces");
    }
    if (offers.hasOwnLogs() && !AgentCapability.REPORTS_OWN_LOGS.isSetIn(caps)) {
      offers.clearOwnLogs();
      removed.add("connection_settings.own_logs");
    }
    if (offers.getOtherConnectionsCount() > 0
        && !AgentCapability.ACCEPTS_OTHER_CONNECTION_SETTINGS.isSetIn(caps)) {
      offers.clearOtherConnections();
      removed.add("connection_settings.other_connections");
    }
  }
}
