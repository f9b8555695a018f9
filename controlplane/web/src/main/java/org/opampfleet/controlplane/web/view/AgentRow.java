/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.controlplane.status.AgentView;

/**
 * Internal; not API; may change without notice. One row of an agents table.
 *
 * @param uid the full instance UID
 * @param shortUid its last 8 hex digits
 * @param name the display name
 * @param typeVersion e.g. {@code otelcol-contrib 0.118.0}
 * @param configLabel e.g. {@code checkout-prod v12}; empty when none
 * @param configName the desired configuration's name; empty when none
 * @param connection the connection badge
 * @param health the health badge
 * @param config the remote-config badge
 * @param drift the drift badge
 * @param labels the first labels as {@code key=value}
 * @param moreLabels how many labels are not shown
 * @param transport {@code WS} or {@code HTTP}
 * @param lastSeen when the last message arrived
 */
public record AgentRow(
    String uid,
    String shortUid,
    String name,
    String typeVersion,
    String configLabel,
    String configName,
    Badge connection,
    Badge health,
    Badge config,
    Badge drift,
    List<String> labels,
    int moreLabels,
    String transport,
    Instant lastSeen) {

  /** Builds the row of an agent. */
  public static AgentRow of(AgentView view, Instant now) {
    Agent a = view.agent();
    List<String> labels = new ArrayList<>();
    for (Map.Entry<String, String> e : a.labels().entrySet()) {
      if (labels.size() == 3) {
        break;
      }
      labels.add(e.getKey() + "=" + e.getValue());
    }
    var desired = view.status().desired();
    return new AgentRow(
        a.instanceUid().toString(),
        a.shortUid(),
        a.displayName(),
        (a.agentType().orElse("unknown type") + " " + a.agentVersion().orElse("")).trim(),
        desired == null ? "" : desired.label(),
        desired == null ? "" : desired.name(),
        Badges.connection(view, now),
        Badges.health(view),
        Badges.config(view),
        Badges.drift(view),
        List.copyOf(labels),
        Math.max(0, a.labels().size() - labels.size()),
        a.connection().transport() == Transport.WEBSOCKET ? "WS" : "HTTP",
        a.lastSeen());
  }
}
