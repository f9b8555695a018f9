/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of agents. Pages are keyset pages: a cursor names the agent a page starts after.
 *
 * @param items the agents on this page
 * @param total how many agents match the query in all
 * @param offset how many matching agents come before this page (0 on the first page)
 * @param nextCursor pass as {@code after} for the next page; null on the last page
 * @param previousCursor pass as {@code after} for the previous page; null when this page or the
 *     previous one is the first page (then the previous page is asked for without {@code after})
 * @param lastCursor pass as {@code after} for the last page; null when this page or the last one is
 *     the first page
 */
public record AgentPage(
    List<AgentView> items,
    int total,
    int offset,
    @Nullable String nextCursor,
    @Nullable String previousCursor,
    @Nullable String lastCursor) {

  /** An empty result. */
  public static AgentPage empty() {
    return new AgentPage(List.of(), 0, 0, null, null, null);
  }
}
