/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.Headers;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;

/**
 * Builds the protocol messages the control plane offers. A configuration version is encoded once
 * and the same message is reused for every agent that gets it.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class Offers {
  // Versions are immutable, so a cache keyed by hash never goes stale; it holds the versions
  // agents are being offered, which is a handful.
  private static final int MAX_CACHED = 256;
  private final Map<String, AgentRemoteConfig> remoteConfigs = new ConcurrentHashMap<>();

  /** Returns the {@code AgentRemoteConfig} of a version. */
  AgentRemoteConfig remoteConfig(ConfigVersion version) {
    AgentRemoteConfig cached = remoteConfigs.get(version.hash());
    if (cached != null) {
      return cached;
    }
    AgentConfigMap.Builder map = AgentConfigMap.newBuilder();
    version
        .files()
        .forEach(
            (name, body) ->
                map.putConfigMap(
                    name,
                    AgentConfigFile.newBuilder()
                        .setBody(ByteString.copyFromUtf8(body))
                        .setContentType(contentType(name))
                        .build()));
    AgentRemoteConfig config =
        AgentRemoteConfig.newBuilder()
            .setConfig(map)
            .setConfigHash(ByteString.copyFrom(HexFormat.of().parseHex(version.hash())))
            .build();
    if (remoteConfigs.size() >= MAX_CACHED) {
      remoteConfigs.clear();
    }
    remoteConfigs.put(version.hash(), config);
    return config;
  }

  /**
   * Returns the connection settings for these settings, with a hash over all of them (CS-02), or
   * null when there is nothing to offer. The heartbeat interval is always filled when OpAMP
   * settings are sent (A-01, P-10).
   */
  static @Nullable ConnectionSettingsOffers connectionSettings(ConfigSettings settings) {
    if (settings.isEmpty()) {
      return null;
    }
    ConnectionSettingsOffers.Builder offers = ConnectionSettingsOffers.newBuilder();
    Duration heartbeat = settings.heartbeatInterval();
    if (heartbeat != null) {
      offers.setOpamp(
          OpAMPConnectionSettings.newBuilder().setHeartbeatIntervalSeconds(heartbeat.toSeconds()));
    }
    if (settings.ownMetrics() != null) {
      offers.setOwnMetrics(telemetry(settings.ownMetrics()));
    }
    if (settings.ownLogs() != null) {
      offers.setOwnLogs(telemetry(settings.ownLogs()));
    }
    if (settings.ownTraces() != null) {
      offers.setOwnTraces(telemetry(settings.ownTraces()));
    }
    offers.setHash(ByteString.copyFrom(sha256(offers.build().toByteArray())));
    return offers.build();
  }

  private static TelemetryConnectionSettings telemetry(
      ConfigSettings.TelemetryDestination destination) {
    Headers.Builder headers = Headers.newBuilder();
    new java.util.TreeMap<>(destination.headers())
        .forEach(
            (key, value) -> headers.addHeaders(Header.newBuilder().setKey(key).setValue(value)));
    return TelemetryConnectionSettings.newBuilder()
        .setDestinationEndpoint(destination.endpoint())
        .setHeaders(headers)
        .build();
  }

  private static String contentType(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json")) {
      return "application/json";
    }
    return lower.endsWith(".yaml") || lower.endsWith(".yml") || !lower.contains(".")
        ? "text/yaml"
        : "text/plain";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
