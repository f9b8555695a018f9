/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import org.opampfleet.controlplane.agent.Agent;

/**
 * An agent with its derived status.
 *
 * @param agent the snapshot
 * @param status the status derived from it
 */
public record AgentView(Agent agent, AgentStatus status) {}
