/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.controlplane.event.FleetEvents;

/**
 * Saves, reads and resolves named configurations.
 *
 * <p>Keeps the latest version of every configuration in memory with its parsed selector, so
 * deciding an agent's desired configuration ({@link #desiredFor}) costs no database access: the
 * OpAMP event loops call it on every status report.
 *
 * <p>An agent's desired configuration is its direct assignment when it has one; otherwise the
 * matching configuration with the highest priority, ties broken by name.
 *
 * <p><b>Thread safety:</b> thread-safe. Saves are serialized; reads use an immutable catalog.
 */
public final class ConfigService {
  private final ConfigStore store;
  private final FleetEvents events;
  private final Clock clock;
  private volatile List<Entry> catalog = List.of();

  /** A configuration in the catalog, with its selector parsed. */
  public record Entry(Configuration configuration, Selector selector) {
    /** Returns the latest version. */
    public ConfigVersion latest() {
      return configuration.latest();
    }
  }

  /** Creates the service and reads the catalog from the store. */
  public ConfigService(ConfigStore store, FleetEvents events, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.events = requireNonNull(events, "events");
    this.clock = requireNonNull(clock, "clock");
    reload();
  }

  /**
   * Saves a new version of a configuration, creating it if needed.
   *
   * @param baseVersion the version the change was based on, for optimistic locking; null to skip
   *     the check
   * @param settings settings for a new configuration; null keeps existing ones (or none)
   * @return the saved version and the warnings found
   * @throws InvalidConfigException if the name, selector or files have errors
   * @throws ConfigConflictException if {@code baseVersion} is no longer the latest
   */
  public synchronized SaveResult save(
      String name,
      String selector,
      int priority,
      Map<String, String> files,
      String author,
      String note,
      @Nullable Integer baseVersion,
      @Nullable ConfigSettings settings) {
    requireNonNull(name, "name");
    requireNonNull(files, "files");
    List<ConfigProblem> problems = new ArrayList<>(ConfigValidator.checkName(name));
    try {
      Selector.parse(requireNonNull(selector, "selector"));
    } catch (SelectorParseException e) {
      problems.add(
          new ConfigProblem(
              ConfigProblem.Severity.ERROR, "", 0, e.column(), "selector: " + e.getMessage()));
    }
    problems.addAll(ConfigValidator.check(files));
    if (ConfigValidator.hasErrors(problems)) {
      throw new InvalidConfigException(problems);
    }
    Optional<Configuration> existing = store.get(name);
    int latest = existing.map(c -> c.latest().version()).orElse(0);
    if (baseVersion != null && baseVersion != latest) {
      throw new ConfigConflictException(name, baseVersion, latest);
    }
    ConfigVersion version =
        new ConfigVersion(
            name,
            latest + 1,
            selector.trim(),
            priority,
            files,
            ConfigHashes.hex(files),
            clock.instant(),
            requireNonNull(author, "author"),
            note == null ? "" : note.trim());
    store.insertVersion(
        version, existing.isPresent() ? null : settings == null ? ConfigSettings.NONE : settings);
    if (existing.isPresent() && settings != null) {
      store.updateSettings(name, settings);
    }
    reload();
    events.publish(new FleetEvent.ConfigSaved(version));
    return new SaveResult(version, problems);
  }

  /**
   * The outcome of a save.
   *
   * @param version the new version
   * @param warnings problems that did not block the save
   */
  public record SaveResult(ConfigVersion version, List<ConfigProblem> warnings) {}

  /** Replaces a configuration's settings. Returns false if there is no such configuration. */
  public synchronized boolean updateSettings(String name, ConfigSettings settings) {
    boolean updated = store.updateSettings(name, settings);
    if (updated) {
      reload();
      events.publish(new FleetEvent.ConfigChanged(name));
    }
    return updated;
  }

  /** Deletes a configuration and its versions. Returns whether it existed. */
  public synchronized boolean delete(String name) {
    boolean deleted = store.delete(name);
    if (deleted) {
      reload();
      events.publish(new FleetEvent.ConfigChanged(name));
    }
    return deleted;
  }

  /** Returns every configuration, by descending priority then name. */
  public List<Entry> catalog() {
    return catalog;
  }

  /** Returns a configuration from the catalog. */
  public Optional<Entry> get(String name) {
    for (Entry entry : catalog) {
      if (entry.configuration().name().equals(name)) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** Returns one version. */
  public Optional<ConfigVersion> version(String name, int version) {
    return store.version(name, version);
  }

  /** Returns every version of a configuration, newest first. */
  public List<ConfigVersion> versions(String name) {
    return store.versions(name);
  }

  /**
   * Returns the configuration entry an agent should run, if any: its direct assignment, else the
   * matching configuration with the highest priority.
   */
  public Optional<Entry> desiredFor(Agent agent) {
    String direct = agent.directConfig();
    if (direct != null) {
      Optional<Entry> assigned = get(direct);
      if (assigned.isPresent()) {
        return assigned;
      }
    }
    for (Entry entry : catalog) {
      if (entry.selector().matches(agent::attribute)) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** Returns every configuration whose selector matches the agent, winner first. */
  public List<Entry> matching(Agent agent) {
    List<Entry> out = new ArrayList<>();
    for (Entry entry : catalog) {
      if (entry.selector().matches(agent::attribute)) {
        out.add(entry);
      }
    }
    return out;
  }

  /** Re-reads the catalog from the store. */
  public synchronized void reload() {
    List<Entry> entries = new ArrayList<>();
    for (Configuration configuration : store.list()) {
      entries.add(new Entry(configuration, Selector.parse(configuration.latest().selector())));
    }
    entries.sort(
        Comparator.comparingInt((Entry e) -> e.latest().priority())
            .reversed()
            .thenComparing(e -> e.configuration().name()));
    catalog = List.copyOf(entries);
  }
}
