/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of agents.
 *
 * @param items the agents on this page
 * @param total how many agents match the query in all
 * @param nextCursor pass as {@code after} for the next page; null on the last page
 */
public record AgentPage(List<AgentView> items, int total, @Nullable String nextCursor) {}
