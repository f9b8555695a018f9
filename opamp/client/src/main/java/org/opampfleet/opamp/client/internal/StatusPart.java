/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import com.google.protobuf.Message;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatus;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.ServerCapability;

/**
 * The compressible parts of an {@code AgentToServer} (ST-12): each is sent only when it changed
 * since the server last received it, and all of them on {@code ReportFullState} (ST-17, P-08).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> an enum; immutable and thread-safe.
 */
public enum StatusPart {
  /** {@code agent_description} (AD-05). */
  AGENT_DESCRIPTION(null, null),
  /** {@code health} (HL-01, HL-06). */
  HEALTH(AgentCapability.REPORTS_HEALTH, null),
  /** {@code effective_config} (EC-01, EC-02). */
  EFFECTIVE_CONFIG(
      AgentCapability.REPORTS_EFFECTIVE_CONFIG, ServerCapability.ACCEPTS_EFFECTIVE_CONFIG),
  /** {@code remote_config_status} (RC-08). */
  REMOTE_CONFIG_STATUS(AgentCapability.REPORTS_REMOTE_CONFIG, null),
  /** {@code package_statuses} (PK-24). */
  PACKAGE_STATUSES(
      AgentCapability.REPORTS_PACKAGE_STATUSES, ServerCapability.ACCEPTS_PACKAGES_STATUS),
  /** {@code custom_capabilities} (CU-07). */
  CUSTOM_CAPABILITIES(null, null),
  /** {@code available_components} (AV-01, AV-06). */
  AVAILABLE_COMPONENTS(AgentCapability.REPORTS_AVAILABLE_COMPONENTS, null),
  /** {@code connection_settings_status} (CS-05). */
  CONNECTION_SETTINGS_STATUS(AgentCapability.REPORTS_CONNECTION_SETTINGS_STATUS, null);

  private final AgentCapability agentCapability;
  private final ServerCapability serverCapability;

  StatusPart(AgentCapability agentCapability, ServerCapability serverCapability) {
    this.agentCapability = agentCapability;
    this.serverCapability = serverCapability;
  }

  /**
   * Returns whether this part may be sent: the agent declared the capability that reports it, and
   * the server, once its capabilities are known ({@code serverCapabilities != 0}), accepts it
   * (GEN-07).
   */
  boolean isReportable(long agentCapabilities, long serverCapabilities) {
    if (agentCapability != null && !agentCapability.isSetIn(agentCapabilities)) {
      return false;
    }
    return serverCapabilities == 0
        || serverCapability == null
        || serverCapability.isSetIn(serverCapabilities);
  }

  /** Sets this part on a message being built. */
  void setOn(AgentToServer.Builder message, Message value) {
    switch (this) {
      case AGENT_DESCRIPTION -> message.setAgentDescription((AgentDescription) value);
      case HEALTH -> message.setHealth((ComponentHealth) value);
      case EFFECTIVE_CONFIG -> message.setEffectiveConfig((EffectiveConfig) value);
      case REMOTE_CONFIG_STATUS -> message.setRemoteConfigStatus((RemoteConfigStatus) value);
      case PACKAGE_STATUSES -> message.setPackageStatuses((PackageStatuses) value);
      case CUSTOM_CAPABILITIES -> message.setCustomCapabilities((CustomCapabilities) value);
      case AVAILABLE_COMPONENTS -> message.setAvailableComponents((AvailableComponents) value);
      case CONNECTION_SETTINGS_STATUS ->
          message.setConnectionSettingsStatus((ConnectionSettingsStatus) value);
      default -> throw new AssertionError(this);
    }
  }
}
