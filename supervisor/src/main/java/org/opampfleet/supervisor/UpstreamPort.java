/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;

/**
 * What the {@link AgentController} reports upstream. Production: {@link
 * org.opampfleet.supervisor.link.UpstreamLink}; unit tests record the calls.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe and never block.
 */
interface UpstreamPort {
  void setHealth(ComponentHealth health);

  void setRemoteConfigStatus(RemoteConfigStatus status);

  /** Re-reads the effective config the controller publishes. */
  void updateEffectiveConfig();

  void setAgentDescription(AgentDescription description);

  void setAvailableComponents(AvailableComponents components);

  void setCustomCapabilities(CustomCapabilities capabilities);

  void sendCustomMessage(CustomMessage message);
}
