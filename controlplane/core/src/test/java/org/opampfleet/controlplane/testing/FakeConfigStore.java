/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigConflictException;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigStore;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.config.Configuration;

/** An in-memory {@link ConfigStore} for tests. */
public final class FakeConfigStore implements ConfigStore {
  private final Map<String, List<ConfigVersion>> versions = new TreeMap<>();
  private final Map<String, ConfigSettings> settings = new TreeMap<>();

  @Override
  public synchronized List<Configuration> list() {
    List<Configuration> out = new ArrayList<>();
    for (String name : versions.keySet()) {
      out.add(get(name).orElseThrow());
    }
    return out;
  }

  @Override
  public synchronized Optional<Configuration> get(String name) {
    List<ConfigVersion> all = versions.get(name);
    if (all == null || all.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Configuration(all.get(all.size() - 1), all.get(0).createdAt(), settings.get(name)));
  }

  @Override
  public synchronized Optional<ConfigVersion> version(String name, int version) {
    return versions.getOrDefault(name, List.of()).stream()
        .filter(v -> v.version() == version)
        .findFirst();
  }

  @Override
  public synchronized List<ConfigVersion> versions(String name) {
    return versions.getOrDefault(name, List.of()).stream()
        .sorted(Comparator.comparingInt(ConfigVersion::version).reversed())
        .toList();
  }

  @Override
  public synchronized void insertVersion(
      ConfigVersion version, @Nullable ConfigSettings newSettings) {
    List<ConfigVersion> all = versions.computeIfAbsent(version.name(), k -> new ArrayList<>());
    int latest = all.size();
    if (version.version() != latest + 1) {
      if (all.isEmpty()) {
        versions.remove(version.name());
      }
      throw new ConfigConflictException(version.name(), version.version() - 1, latest);
    }
    all.add(version);
    if (latest == 0) {
      settings.put(version.name(), newSettings == null ? ConfigSettings.NONE : newSettings);
    }
  }

  @Override
  public synchronized boolean updateSettings(String name, ConfigSettings newSettings) {
    if (!versions.containsKey(name)) {
      return false;
    }
    settings.put(name, newSettings);
    return true;
  }

  @Override
  public synchronized boolean delete(String name) {
    settings.remove(name);
    return versions.remove(name) != null;
  }
}
