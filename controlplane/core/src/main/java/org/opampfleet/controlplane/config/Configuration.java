/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import java.time.Instant;

/**
 * A named configuration: its latest version and its settings.
 *
 * @param latest the latest version
 * @param createdAt when version 1 was saved
 * @param settings server-side settings for the agents it selects
 */
public record Configuration(ConfigVersion latest, Instant createdAt, ConfigSettings settings) {

  /** Returns the name. */
  public String name() {
    return latest.name();
  }
}
