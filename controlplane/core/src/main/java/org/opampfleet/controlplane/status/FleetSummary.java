/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import java.util.Map;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.DriftStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;

/**
 * Counts over the whole fleet.
 *
 * @param total every agent in the inventory
 * @param connection counts by connection state
 * @param health counts by health state
 * @param config counts by remote-config state
 * @param drift counts by drift state
 * @param transport connected agents by transport ({@code websocket}, {@code http})
 * @param agentVersions agents by {@code service.name service.version}, most common first
 * @param configurations agents by desired configuration name ({@code none} for none)
 */
public record FleetSummary(
    int total,
    Map<ConnectionStatus, Integer> connection,
    Map<HealthStatus, Integer> health,
    Map<ConfigStatus, Integer> config,
    Map<DriftStatus, Integer> drift,
    Map<String, Integer> transport,
    Map<String, Integer> agentVersions,
    Map<String, Integer> configurations) {}
