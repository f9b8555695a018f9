/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where configurations and their versions are kept. The storage adapter implements it.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe; methods may block.
 */
public interface ConfigStore {

  /** Returns every configuration, by name. */
  List<Configuration> list();

  /** Returns a configuration. */
  Optional<Configuration> get(String name);

  /** Returns one version. */
  Optional<ConfigVersion> version(String name, int version);

  /** Returns every version of a configuration, newest first. */
  List<ConfigVersion> versions(String name);

  /**
   * Stores a new version atomically: version 1 creates the configuration; a later version must be
   * exactly one more than the latest stored.
   *
   * @param settings the settings to store with a new configuration; ignored for later versions
   * @throws ConfigConflictException if another version was stored since (optimistic locking)
   */
  void insertVersion(ConfigVersion version, @Nullable ConfigSettings settings);

  /** Replaces a configuration's settings. Returns false if it does not exist. */
  boolean updateSettings(String name, ConfigSettings settings);

  /** Deletes a configuration and all its versions. Returns whether it existed. */
  boolean delete(String name);
}
