/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;

/**
 * A filtered, sorted page request over the inventory. Empty sets and nulls mean "any".
 *
 * @param selector agents the selector matches
 * @param connection agents in one of these connection states
 * @param health agents in one of these health states
 * @param configStatus agents in one of these remote-config states
 * @param configName agents whose desired configuration has this name ({@code none} for none)
 * @param text free text: display name, host name, remote address, or 4+ hex digits of the UID
 * @param sort sort order
 * @param descending reverse the sort
 * @param limit page size, 1 to 500
 * @param after the cursor of the last item of the previous page; null for the first page
 */
public record AgentQuery(
    @Nullable Selector selector,
    Set<ConnectionStatus> connection,
    Set<HealthStatus> health,
    Set<ConfigStatus> configStatus,
    @Nullable String configName,
    String text,
    Sort sort,
    boolean descending,
    int limit,
    @Nullable String after) {

  /** Sort orders. */
  public enum Sort {
    /** Most urgent first (attention rank), then most recently seen. */
    ATTENTION,
    /** By display name. */
    NAME,
    /** Most recently seen first. */
    LAST_SEEN,
    /** By agent version. */
    VERSION
  }

  /** Validates and copies. */
  public AgentQuery {
    connection = Set.copyOf(connection);
    health = Set.copyOf(health);
    configStatus = Set.copyOf(configStatus);
    text = text == null ? "" : text.trim();
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1 to 500)");
    }
  }

  /** Returns the first page of everything, by attention, 100 per page. */
  public static AgentQuery everything() {
    return new AgentQuery(
        null, Set.of(), Set.of(), Set.of(), null, "", Sort.ATTENTION, false, 100, null);
  }
}
