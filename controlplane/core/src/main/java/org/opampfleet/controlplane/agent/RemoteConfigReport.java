/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import java.time.Instant;

/**
 * The agent's last {@code RemoteConfigStatus}.
 *
 * @param status what the agent reported
 * @param hash the {@code last_remote_config_hash}, lower-case hex; empty if none
 * @param errorMessage the error, verbatim; empty if none
 * @param reportedAt when it was reported
 */
public record RemoteConfigReport(
    Status status, String hash, String errorMessage, Instant reportedAt) {

  /** The agent-reported apply states. */
  public enum Status {
    /** No status. */
    UNSET,
    /** Being applied. */
    APPLYING,
    /** Applied. */
    APPLIED,
    /** Failed to apply. */
    FAILED
  }
}
