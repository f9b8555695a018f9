/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Everything the control plane knows about one agent: an immutable snapshot.
 *
 * <p>Agent-reported parts ({@code health}, {@code availableComponents}, {@code packageStatuses})
 * are kept as the protocol messages the agent sent. Server-side {@linkplain #labels() labels} are
 * kept apart from what the agent reports.
 *
 * @param instanceUid the agent's identity
 * @param firstSeen when the agent was first seen
 * @param lastSeen when the last message arrived
 * @param connection the connection as last seen
 * @param capabilities the last reported capabilities bitmask
 * @param identifyingAttributes identifying attributes, rendered as text
 * @param nonIdentifyingAttributes non-identifying attributes, rendered as text
 * @param health the last reported health tree; null if never reported
 * @param healthReportedAt when health was last reported
 * @param effectiveConfig the last reported effective configuration, file name to text
 * @param effectiveConfigReportedAt when the effective configuration was last reported
 * @param remoteConfig the last remote-config status; null if never reported
 * @param lastOffer the last remote configuration the server offered; null if none
 * @param availableComponents the last reported components; null if never reported
 * @param packageStatuses the last reported package statuses; null if never reported
 * @param customCapabilities the custom capabilities the agent announced
 * @param labels server-side labels, edited by operators
 * @param directConfig the configuration assigned to this agent directly, overriding selectors; null
 *     if none
 */
public record Agent(
    InstanceUid instanceUid,
    Instant firstSeen,
    Instant lastSeen,
    AgentConnectionInfo connection,
    long capabilities,
    Map<String, String> identifyingAttributes,
    Map<String, String> nonIdentifyingAttributes,
    @Nullable ComponentHealth health,
    @Nullable Instant healthReportedAt,
    Map<String, String> effectiveConfig,
    @Nullable Instant effectiveConfigReportedAt,
    @Nullable RemoteConfigReport remoteConfig,
    @Nullable ConfigOfferRecord lastOffer,
    @Nullable AvailableComponents availableComponents,
    @Nullable PackageStatuses packageStatuses,
    List<String> customCapabilities,
    Map<String, String> labels,
    @Nullable String directConfig) {

  /** Where a selector key was found on an agent. */
  public enum AttributeSource {
    /** A server-side label. */
    LABEL,
    /** An identifying attribute. */
    IDENTIFYING,
    /** A non-identifying attribute. */
    NON_IDENTIFYING
  }

  /** Copies the collections so the snapshot stays immutable. */
  public Agent {
    requireNonNull(instanceUid, "instanceUid");
    requireNonNull(firstSeen, "firstSeen");
    requireNonNull(lastSeen, "lastSeen");
    requireNonNull(connection, "connection");
    identifyingAttributes = sorted(identifyingAttributes);
    nonIdentifyingAttributes = sorted(nonIdentifyingAttributes);
    effectiveConfig = sorted(effectiveConfig);
    customCapabilities = List.copyOf(customCapabilities);
    labels = sorted(labels);
  }

  /** Returns a new agent seen for the first time now. */
  public static Agent firstSeen(InstanceUid uid, Instant now, AgentConnectionInfo connection) {
    return new Agent(
        uid,
        now,
        now,
        connection,
        0,
        Map.of(),
        Map.of(),
        null,
        null,
        Map.of(),
        null,
        null,
        null,
        null,
        null,
        List.of(),
        Map.of(),
        null);
  }

  /** Returns a builder starting from this snapshot. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Returns whether the agent reported a capability. */
  public boolean hasCapability(AgentCapability capability) {
    return capability.isSetIn(capabilities);
  }

  /**
   * Looks a selector key up: server-side labels first, then identifying attributes, then
   * non-identifying attributes (a label shadows an attribute of the same key).
   */
  public Optional<String> attribute(String key) {
    String value = labels.get(key);
    if (value == null) {
      value = identifyingAttributes.get(key);
    }
    if (value == null) {
      value = nonIdentifyingAttributes.get(key);
    }
    return Optional.ofNullable(value);
  }

  /** Returns where {@link #attribute(String)} finds a key, if anywhere. */
  public Optional<AttributeSource> attributeSource(String key) {
    if (labels.containsKey(key)) {
      return Optional.of(AttributeSource.LABEL);
    }
    if (identifyingAttributes.containsKey(key)) {
      return Optional.of(AttributeSource.IDENTIFYING);
    }
    if (nonIdentifyingAttributes.containsKey(key)) {
      return Optional.of(AttributeSource.NON_IDENTIFYING);
    }
    return Optional.empty();
  }

  /**
   * Returns the name people know the agent by: the label {@code name}; else {@code service.name on
   * host.name}; else the host name, the {@code service.instance.id} or the short UID.
   */
  public String displayName() {
    String label = labels.get("name");
    if (label != null && !label.isBlank()) {
      return label;
    }
    String service = identifyingAttributes.get("service.name");
    String host = attribute("host.name").orElse(null);
    if (service != null && host != null) {
      return service + " on " + host;
    }
    if (host != null) {
      return host;
    }
    if (service != null) {
      return service;
    }
    String instanceId = identifyingAttributes.get("service.instance.id");
    return instanceId != null ? instanceId : shortUid();
  }

  /** Returns the last 8 hex digits of the UID: the random tail of a UUIDv7. */
  public String shortUid() {
    String text = instanceUid.toString();
    return text.substring(text.length() - 8);
  }

  /** Returns the agent type, {@code service.name}, if reported. */
  public Optional<String> agentType() {
    return Optional.ofNullable(identifyingAttributes.get("service.name"));
  }

  /** Returns the agent version, {@code service.version}, if reported. */
  public Optional<String> agentVersion() {
    return Optional.ofNullable(identifyingAttributes.get("service.version"));
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    requireNonNull(map, "map");
    // A snapshot built from another (a heartbeat only moves lastSeen) shares the frozen maps
    // instead of copying them again; only this class can make a FrozenMap, so none is mutable.
    if (map instanceof FrozenMap) {
      return map;
    }
    // New data (a report, a database row): share its strings with the rest of the fleet.
    TreeMap<String, String> copy = new TreeMap<>();
    map.forEach((key, value) -> copy.put(Interning.string(key), Interning.string(value)));
    return new FrozenMap(copy);
  }

  /** An immutable, sorted copy: AbstractMap refuses every mutation. */
  private static final class FrozenMap extends AbstractMap<String, String> {
    private final TreeMap<String, String> map;
    private final Set<Map.Entry<String, String>> entries;

    FrozenMap(TreeMap<String, String> map) {
      this.map = map;
      this.entries = Collections.unmodifiableMap(map).entrySet();
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return entries;
    }

    @Override
    public @Nullable String get(Object key) {
      return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return map.containsKey(key);
    }

    @Override
    public int size() {
      return map.size();
    }
  }

  /** Builds a changed copy of an {@link Agent}. Not thread-safe. */
  public static final class Builder {
    private InstanceUid instanceUid;
    private Instant firstSeen;
    private Instant lastSeen;
    private AgentConnectionInfo connection;
    private long capabilities;
    private Map<String, String> identifyingAttributes;
    private Map<String, String> nonIdentifyingAttributes;
    private @Nullable ComponentHealth health;
    private @Nullable Instant healthReportedAt;
    private Map<String, String> effectiveConfig;
    private @Nullable Instant effectiveConfigReportedAt;
    private @Nullable RemoteConfigReport remoteConfig;
    private @Nullable ConfigOfferRecord lastOffer;
    private @Nullable AvailableComponents availableComponents;
    private @Nullable PackageStatuses packageStatuses;
    private List<String> customCapabilities;
    private Map<String, String> labels;
    private @Nullable String directConfig;

    private Builder(Agent a) {
      instanceUid = a.instanceUid;
      firstSeen = a.firstSeen;
      lastSeen = a.lastSeen;
      connection = a.connection;
      capabilities = a.capabilities;
      identifyingAttributes = a.identifyingAttributes;
      nonIdentifyingAttributes = a.nonIdentifyingAttributes;
      health = a.health;
      healthReportedAt = a.healthReportedAt;
      effectiveConfig = a.effectiveConfig;
      effectiveConfigReportedAt = a.effectiveConfigReportedAt;
      remoteConfig = a.remoteConfig;
      lastOffer = a.lastOffer;
      availableComponents = a.availableComponents;
      packageStatuses = a.packageStatuses;
      customCapabilities = a.customCapabilities;
      labels = a.labels;
      directConfig = a.directConfig;
    }

    /** Sets the instance UID (after the server assigned a new one). */
    public Builder instanceUid(InstanceUid value) {
      instanceUid = value;
      return this;
    }

    /** Sets when the agent was last seen. */
    public Builder lastSeen(Instant value) {
      lastSeen = value;
      return this;
    }

    /** Sets the connection. */
    public Builder connection(AgentConnectionInfo value) {
      connection = value;
      return this;
    }

    /** Sets the capabilities bitmask. */
    public Builder capabilities(long value) {
      capabilities = value;
      return this;
    }

    /** Sets both attribute maps. */
    public Builder attributes(Map<String, String> identifying, Map<String, String> nonIdentifying) {
      identifyingAttributes = identifying;
      nonIdentifyingAttributes = nonIdentifying;
      return this;
    }

    /** Sets the health tree and when it was reported. */
    public Builder health(ComponentHealth value, Instant reportedAt) {
      health = Interning.health(value);
      healthReportedAt = reportedAt;
      return this;
    }

    /** Sets the effective configuration and when it was reported. */
    public Builder effectiveConfig(Map<String, String> files, Instant reportedAt) {
      effectiveConfig = files;
      effectiveConfigReportedAt = reportedAt;
      return this;
    }

    /** Sets the remote-config status. */
    public Builder remoteConfig(RemoteConfigReport value) {
      remoteConfig = value;
      return this;
    }

    /** Sets the last offer. */
    public Builder lastOffer(@Nullable ConfigOfferRecord value) {
      lastOffer = value;
      return this;
    }

    /** Sets the available components. */
    public Builder availableComponents(AvailableComponents value) {
      availableComponents = Interning.components(value);
      return this;
    }

    /** Sets the package statuses. */
    public Builder packageStatuses(PackageStatuses value) {
      packageStatuses = value;
      return this;
    }

    /** Sets the custom capabilities. */
    public Builder customCapabilities(List<String> value) {
      customCapabilities = value;
      return this;
    }

    /** Sets the server-side labels. */
    public Builder labels(Map<String, String> value) {
      labels = value;
      return this;
    }

    /** Sets the direct configuration assignment; null removes it. */
    public Builder directConfig(@Nullable String value) {
      directConfig = value;
      return this;
    }

    /** Builds the snapshot. */
    public Agent build() {
      return new Agent(
          instanceUid,
          firstSeen,
          lastSeen,
          connection,
          capabilities,
          identifyingAttributes,
          nonIdentifyingAttributes,
          health,
          healthReportedAt,
          effectiveConfig,
          effectiveConfigReportedAt,
          remoteConfig,
          lastOffer,
          availableComponents,
          packageStatuses,
          customCapabilities,
          labels,
          directConfig);
    }
  }
}
