/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an upstream server knows about one agent, in plain types, so a REST-backed fixture (the
 * control plane) can fill it as easily as an OpAMP-backed one.
 *
 * <p><b>Thread safety:</b> immutable snapshot.
 *
 * @param instanceUid the canonical UUID text
 * @param connected whether the agent is connected now
 * @param identifying identifying attributes of its description
 * @param nonIdentifying non-identifying attributes
 * @param health its last health, or null
 * @param effectiveConfig the body of its effective config entry {@code ""}, or empty
 * @param remoteConfigStatus its last remote config status, or null
 * @param statusHistory every remote config status it reported, oldest first
 * @param components component kind → types, from its available components
 * @param capabilities the names of its capabilities ({@code ACCEPTS_REMOTE_CONFIG}, …)
 */
public record AgentView(
    String instanceUid,
    boolean connected,
    Map<String, String> identifying,
    Map<String, String> nonIdentifying,
    @Nullable Health health,
    String effectiveConfig,
    @Nullable ConfigStatus remoteConfigStatus,
    List<ConfigStatus> statusHistory,
    Map<String, Set<String>> components,
    Set<String> capabilities) {

  /**
   * A health report.
   *
   * @param healthy whether healthy
   * @param status the status string
   * @param lastError the error text
   * @param startTimeUnixNano when the process started, 0 when none runs
   * @param attributes its attributes as text
   */
  public record Health(
      boolean healthy,
      String status,
      String lastError,
      long startTimeUnixNano,
      Map<String, String> attributes) {}

  /**
   * A remote config status.
   *
   * @param hash the config hash in lower-case hex
   * @param status {@code APPLIED}, {@code APPLYING}, {@code FAILED} or {@code UNSET}
   * @param errorMessage the error text
   */
  public record ConfigStatus(String hash, String status, String errorMessage) {}
}
