/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * What simulated agents report, modelled on an OpenTelemetry Collector managed through OpAMP: a
 * description with the attributes the OpenTelemetry guidelines name, a health tree with two
 * pipelines, and an effective config of about {@code effectiveConfigBytes} of YAML.
 *
 * <p>Parts that are the same for many agents (the effective config for a given remote config) are
 * built once and shared; parts that name the agent are built when sent, so an idle agent costs the
 * generator only a few fields.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class AgentContent {
  /** Every capability a simulated agent announces. */
  static final long CAPABILITIES =
      AgentCapability.BITMASK.toMask(
          java.util.EnumSet.of(
              AgentCapability.REPORTS_STATUS,
              AgentCapability.ACCEPTS_REMOTE_CONFIG,
              AgentCapability.REPORTS_EFFECTIVE_CONFIG,
              AgentCapability.REPORTS_HEALTH,
              AgentCapability.REPORTS_REMOTE_CONFIG,
              AgentCapability.REPORTS_HEARTBEAT));

  private static final String SERVICE_NAME = "io.opentelemetry.collector";
  private static final String SERVICE_VERSION = "0.118.0";

  private final int effectiveConfigBytes;
  private final long startTimeUnixNano;
  private final EffectiveConfig baseConfig;
  private final ConcurrentHashMap<ByteString, EffectiveConfig> configs = new ConcurrentHashMap<>();

  /**
   * Creates the content.
   *
   * @param effectiveConfigBytes the approximate size of the effective config before any remote
   *     config is applied
   * @param startTimeUnixNano when the simulated agents "started"
   */
  AgentContent(int effectiveConfigBytes, long startTimeUnixNano) {
    this.effectiveConfigBytes = effectiveConfigBytes;
    this.startTimeUnixNano = startTimeUnixNano;
    this.baseConfig = effectiveConfig(baseYaml(effectiveConfigBytes));
  }

  /** Returns the description of agent {@code index} of worker {@code worker}. */
  AgentDescription description(InstanceUid uid, long index) {
    return AgentDescription.newBuilder()
        .addIdentifyingAttributes(attribute("service.name", SERVICE_NAME))
        .addIdentifyingAttributes(attribute("service.namespace", "loadgen"))
        .addIdentifyingAttributes(attribute("service.version", SERVICE_VERSION))
        .addIdentifyingAttributes(attribute("service.instance.id", uid.toString()))
        .addNonIdentifyingAttributes(attribute("host.name", "loadgen-host-" + (index / 4)))
        .addNonIdentifyingAttributes(attribute("host.arch", "amd64"))
        .addNonIdentifyingAttributes(attribute("os.type", "linux"))
        .addNonIdentifyingAttributes(attribute("os.description", "Debian GNU/Linux 12 (bookworm)"))
        .addNonIdentifyingAttributes(attribute("deployment.environment.name", "load-test"))
        .build();
  }

  /**
   * Returns the health tree: the agent, its traces and metrics pipelines and their components. In
   * the degraded state the metrics exporter fails.
   */
  ComponentHealth health(boolean degraded, long statusTimeUnixNano) {
    ComponentHealth ok =
        ComponentHealth.newBuilder()
            .setHealthy(true)
            .setStartTimeUnixNano(startTimeUnixNano)
            .setStatus("StatusOK")
            .setStatusTimeUnixNano(startTimeUnixNano)
            .build();
    ComponentHealth exporter =
        degraded
            ? ComponentHealth.newBuilder()
                .setHealthy(false)
                .setStartTimeUnixNano(startTimeUnixNano)
                .setStatus("StatusRecoverableError")
                .setLastError("Post \"https://otlp.example.com/v1/metrics\": connection refused")
                .setStatusTimeUnixNano(statusTimeUnixNano)
                .build()
            : ok;
    ComponentHealth traces =
        ComponentHealth.newBuilder(ok)
            .putComponentHealthMap("receiver:otlp", ok)
            .putComponentHealthMap("processor:batch", ok)
            .putComponentHealthMap("exporter:otlphttp", ok)
            .build();
    ComponentHealth metrics =
        ComponentHealth.newBuilder(ok)
            .setHealthy(!degraded)
            .setStatus(degraded ? "StatusRecoverableError" : "StatusOK")
            .setStatusTimeUnixNano(statusTimeUnixNano)
            .putComponentHealthMap("receiver:hostmetrics", ok)
            .putComponentHealthMap("processor:batch", ok)
            .putComponentHealthMap("exporter:otlphttp", exporter)
            .build();
    return ComponentHealth.newBuilder(ok)
        .setHealthy(!degraded)
        .setStatus(degraded ? "StatusRecoverableError" : "StatusOK")
        .setStatusTimeUnixNano(statusTimeUnixNano)
        .putComponentHealthMap("pipeline:traces", traces)
        .putComponentHealthMap("pipeline:metrics", metrics)
        .build();
  }

  /** Returns the effective config before any remote config. */
  EffectiveConfig baseConfig() {
    return baseConfig;
  }

  /** Returns the effective config once {@code remote} is applied: the base merged with it. */
  EffectiveConfig configWith(AgentRemoteConfig remote) {
    return configs.computeIfAbsent(
        remote.getConfigHash(),
        hash -> {
          StringBuilder yaml = new StringBuilder(baseYaml(effectiveConfigBytes));
          yaml.append("# merged remote config ").append(hex(hash)).append('\n');
          for (AgentConfigFile file : remote.getConfig().getConfigMapMap().values()) {
            yaml.append(file.getBody().toStringUtf8()).append('\n');
          }
          return effectiveConfig(yaml.toString());
        });
  }

  private static EffectiveConfig effectiveConfig(String yaml) {
    return EffectiveConfig.newBuilder()
        .setConfigMap(
            AgentConfigMap.newBuilder()
                .putConfigMap(
                    "collector.yaml",
                    AgentConfigFile.newBuilder()
                        .setBody(ByteString.copyFrom(yaml, StandardCharsets.UTF_8))
                        .setContentType("text/yaml")
                        .build()))
        .build();
  }

  /** A plausible collector config, padded with attribute actions to about {@code bytes}. */
  static String baseYaml(int bytes) {
    StringBuilder yaml =
        new StringBuilder(
            """
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 0.0.0.0:4317
                  http:
                    endpoint: 0.0.0.0:4318
              hostmetrics:
                collection_interval: 30s
                scrapers:
                  cpu: {}
                  memory: {}
                  filesystem: {}
                  network: {}
            processors:
              memory_limiter:
                check_interval: 1s
                limit_percentage: 80
                spike_limit_percentage: 20
              batch:
                send_batch_size: 8192
                timeout: 5s
              attributes/loadgen:
                actions:
            """);
    int i = 0;
    while (yaml.length() + 420 < bytes) {
      yaml.append("      - key: loadgen.attribute.")
          .append(i)
          .append("\n        value: value-")
          .append(i)
          .append("\n        action: upsert\n");
      i++;
    }
    yaml.append(
        """
        exporters:
          otlphttp:
            endpoint: https://otlp.example.com
            compression: gzip
            retry_on_failure:
              enabled: true
        service:
          telemetry:
            metrics:
              level: normal
          pipelines:
            traces:
              receivers: [otlp]
              processors: [memory_limiter, batch]
              exporters: [otlphttp]
            metrics:
              receivers: [otlp, hostmetrics]
              processors: [memory_limiter, attributes/loadgen, batch]
              exporters: [otlphttp]
        """);
    return yaml.toString();
  }

  static String hex(ByteString bytes) {
    StringBuilder out = new StringBuilder(bytes.size() * 2);
    for (int i = 0; i < bytes.size(); i++) {
      out.append(String.format("%02x", bytes.byteAt(i) & 0xFF));
    }
    return out.toString();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
