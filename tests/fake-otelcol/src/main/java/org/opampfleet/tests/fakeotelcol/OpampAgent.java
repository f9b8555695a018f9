/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import com.google.protobuf.ByteString;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.opampfleet.opamp.client.BackoffPolicy;
import org.opampfleet.opamp.client.ClientCallbacks;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The fake's {@code opamp} extension: an OpAMP client (our library) that reports what the real
 * {@code opampextension} reports to a supervisor: the agent description, health (unhealthy while
 * starting, then the pipelines' status), the effective configuration (entry {@code ""}, {@code
 * text/yaml}, opaque values redacted) and the available components.
 *
 * <p><b>Thread safety:</b> thread-safe (the client is).
 */
final class OpampAgent implements AutoCloseable {
  private final OpampClient client;
  private final long startTimeNanos;

  private OpampAgent(OpampClient client, long startTimeNanos) {
    this.client = client;
    this.startTimeNanos = startTimeNanos;
  }

  /** Builds and starts the extension's client. */
  static OpampAgent start(
      CollectorConfig config, Components components, long startTimeNanos, Log log) {
    CollectorConfig.OpampSettings settings = config.opamp();
    InstanceUid uid = settings.instanceUid();
    if (uid == null) {
      uid = InstanceUid.generate();
    }
    EnumSet<AgentCapability> caps = EnumSet.of(AgentCapability.REPORTS_STATUS);
    if (settings.reportsEffectiveConfig()) {
      caps.add(AgentCapability.REPORTS_EFFECTIVE_CONFIG);
    }
    if (settings.reportsHealth()) {
      caps.add(AgentCapability.REPORTS_HEALTH);
    }
    if (settings.reportsAvailableComponents()) {
      caps.add(AgentCapability.REPORTS_AVAILABLE_COMPONENTS);
    }
    String effective = Yaml.dump(redacted(config.tree()));
    OpampClient client =
        OpampClient.builder()
            .serverUri(URI.create(settings.endpoint()))
            .instanceUid(uid)
            .agentDescription(description(uid, settings, config))
            .capabilities(caps)
            .headers(settings.headers())
            .backoff(
                new BackoffPolicy(
                    Duration.ofMillis(100),
                    Duration.ofSeconds(2),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1)))
            .effectiveConfigSupplier(
                () ->
                    EffectiveConfig.newBuilder()
                        .setConfigMap(
                            AgentConfigMap.newBuilder()
                                .putConfigMap(
                                    "",
                                    AgentConfigFile.newBuilder()
                                        .setBody(
                                            ByteString.copyFrom(effective, StandardCharsets.UTF_8))
                                        .setContentType("text/yaml")
                                        .build()))
                        .build())
            .callbacks(
                new ClientCallbacks() {
                  @Override
                  public void onConnectFailed(Throwable cause) {
                    log.warn("Failed to connect to the OpAMP server: " + cause.getMessage());
                  }
                })
            .build();
    OpampAgent agent = new OpampAgent(client, startTimeNanos);
    if (settings.reportsAvailableComponents()) {
      client.setAvailableComponents(components.toAvailableComponents());
    }
    client.setHealth(
        ComponentHealth.newBuilder()
            .setHealthy(false)
            .setStatus("StatusStarting")
            .setLastError("the collector is starting")
            .setStartTimeUnixNano(startTimeNanos)
            .setStatusTimeUnixNano(nowNanos())
            .build());
    client.start();
    return agent;
  }

  /** Reports the collector healthy, with one healthy entry per pipeline component. */
  void reportReady(Map<String, List<String>> pipelines) {
    long now = nowNanos();
    ComponentHealth.Builder health =
        ComponentHealth.newBuilder()
            .setHealthy(true)
            .setStatus("StatusOK")
            .setStartTimeUnixNano(startTimeNanos)
            .setStatusTimeUnixNano(now);
    pipelines.forEach(
        (pipeline, members) -> {
          ComponentHealth.Builder p =
              ComponentHealth.newBuilder()
                  .setHealthy(true)
                  .setStatus("StatusOK")
                  .setStartTimeUnixNano(startTimeNanos)
                  .setStatusTimeUnixNano(now);
          for (String member : members) {
            p.putComponentHealthMap(
                member,
                ComponentHealth.newBuilder()
                    .setHealthy(true)
                    .setStatus("StatusOK")
                    .setStartTimeUnixNano(startTimeNanos)
                    .setStatusTimeUnixNano(now)
                    .build());
          }
          health.putComponentHealthMap("pipeline:" + pipeline, p.build());
        });
    client.setHealth(health.build());
  }

  /** Reports the collector unhealthy with a status and an error. */
  void reportUnhealthy(String status, String error) {
    client.setHealth(
        ComponentHealth.newBuilder()
            .setHealthy(false)
            .setStatus(status)
            .setLastError(error)
            .setStartTimeUnixNano(startTimeNanos)
            .setStatusTimeUnixNano(nowNanos())
            .build());
  }

  /** Sends {@code agent_disconnect} and closes the connection. */
  @Override
  public void close() {
    client.stop();
  }

  private static AgentDescription description(
      InstanceUid uid, CollectorConfig.OpampSettings settings, CollectorConfig config) {
    Map<String, String> resource = resourceAttributes(config);
    Map<String, String> identifying = new TreeMap<>();
    identifying.put("service.instance.id", uid.toString());
    identifying.put("service.name", resource.getOrDefault("service.name", Components.COMMAND));
    identifying.put(
        "service.version", resource.getOrDefault("service.version", Components.VERSION));
    Map<String, String> nonIdentifying = new TreeMap<>();
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    nonIdentifying.put("os.type", os.startsWith("mac") ? "darwin" : os.replace(' ', '_'));
    String arch = System.getProperty("os.arch", "");
    nonIdentifying.put(
        "host.arch",
        switch (arch) {
          case "x86_64", "amd64" -> "amd64";
          case "aarch64" -> "arm64";
          default -> arch;
        });
    nonIdentifying.put("host.name", hostName());
    nonIdentifying.put(
        "os.description",
        System.getProperty("os.name", "") + " " + System.getProperty("os.version", ""));
    nonIdentifying.putAll(settings.nonIdentifyingAttributes());
    if (settings.includeResourceAttributes()) {
      resource.forEach(
          (k, v) -> {
            if (!identifying.containsKey(k)) {
              nonIdentifying.put(k, v);
            }
          });
    }
    AgentDescription.Builder out = AgentDescription.newBuilder();
    identifying.forEach((k, v) -> out.addIdentifyingAttributes(keyValue(k, v)));
    nonIdentifying.forEach((k, v) -> out.addNonIdentifyingAttributes(keyValue(k, v)));
    return out.build();
  }

  private static Map<String, String> resourceAttributes(CollectorConfig config) {
    Map<String, String> out = new TreeMap<>();
    Map<String, Object> service = Yaml.section(config.tree(), "service", "service");
    Map<String, Object> telemetry = Yaml.section(service, "telemetry", "telemetry");
    Map<String, Object> resource = Yaml.section(telemetry, "resource", "resource");
    resource.forEach(
        (k, v) -> {
          if (k.equals("attributes") && v instanceof List<?> list) {
            for (Object item : list) {
              if (item instanceof Map<?, ?> m && m.get("name") != null) {
                out.put(String.valueOf(m.get("name")), String.valueOf(m.get("value")));
              }
            }
          } else if (!(v instanceof Map<?, ?>) && !(v instanceof List<?>) && v != null) {
            out.put(k, String.valueOf(v));
          }
        });
    return out;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static KeyValue keyValue(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  /**
   * Replaces opaque values (header values) with {@code [REDACTED]}, as the collector reports them.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> redacted(Map<String, Object> tree) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>();
    tree.forEach(
        (k, v) -> {
          if (k.equals("headers") && v instanceof Map<?, ?> headers) {
            Map<String, Object> masked = new java.util.LinkedHashMap<>();
            headers.forEach((hk, hv) -> masked.put(String.valueOf(hk), "[REDACTED]"));
            copy.put(k, masked);
          } else if (v instanceof Map<?, ?> m) {
            copy.put(k, redacted((Map<String, Object>) m));
          } else {
            copy.put(k, v);
          }
        });
    return copy;
  }

  static long nowNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
