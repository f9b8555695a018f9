/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

/** Thrown when a save is based on a version that is no longer the latest. */
public final class ConfigConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int latestVersion;

  /** Creates the exception. */
  public ConfigConflictException(String name, int baseVersion, int latestVersion) {
    super(
        "configuration "
            + name
            + " is at v"
            + latestVersion
            + " but the change was based on v"
            + baseVersion
            + "; reload it and apply the change again");
    this.latestVersion = latestVersion;
  }

  /** Returns the version that is the latest now. */
  public int latestVersion() {
    return latestVersion;
  }
}
