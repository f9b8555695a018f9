/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.benchmarks;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding the two messages that dominate OpAMP traffic, framed for WebSocket as the
 * server sends and receives them: an agent's status report (description, health with pipelines, a 2
 * KiB effective config, remote config status) and a server's offer of a 10 KiB remote config.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtocolCodecBenchmark {

  private AgentToServer statusReport;
  private ServerToAgent configOffer;
  private ByteBuffer statusReportFrame;
  private ByteBuffer configOfferFrame;
  private final MessageLimits limits = MessageLimits.defaults();

  /** Builds the messages and their encoded frames once. */
  @Setup
  public void setUp() {
    InstanceUid uid = InstanceUid.parse("0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f");
    statusReport =
        AgentToServer.newBuilder()
            .setInstanceUid(uid.toByteString())
            .setSequenceNum(1)
            .setCapabilities(
                AgentCapability.BITMASK.toMask(
                    java.util.EnumSet.of(
                        AgentCapability.REPORTS_STATUS,
                        AgentCapability.ACCEPTS_REMOTE_CONFIG,
                        AgentCapability.REPORTS_EFFECTIVE_CONFIG,
                        AgentCapability.REPORTS_HEALTH,
                        AgentCapability.REPORTS_REMOTE_CONFIG,
                        AgentCapability.REPORTS_HEARTBEAT)))
            .setAgentDescription(
                AgentDescription.newBuilder()
                    .addIdentifyingAttributes(attribute("service.name", "otelcol-contrib"))
                    .addIdentifyingAttributes(attribute("service.version", "0.141.0"))
                    .addIdentifyingAttributes(attribute("service.instance.id", uid.toString()))
                    .addNonIdentifyingAttributes(attribute("host.name", "edge-7.eu-west-1"))
                    .addNonIdentifyingAttributes(attribute("os.type", "linux"))
                    .addNonIdentifyingAttributes(attribute("host.arch", "amd64"))
                    .addNonIdentifyingAttributes(attribute("deployment.environment", "prod")))
            .setHealth(
                ComponentHealth.newBuilder()
                    .setHealthy(true)
                    .setStartTimeUnixNano(1_764_331_200_000_000_000L)
                    .setStatus("StatusOK")
                    .setStatusTimeUnixNano(1_764_331_260_000_000_000L)
                    .putComponentHealthMap("pipeline:traces", pipelineHealth())
                    .putComponentHealthMap("pipeline:metrics", pipelineHealth())
                    .putComponentHealthMap("pipeline:logs", pipelineHealth()))
            .setEffectiveConfig(
                EffectiveConfig.newBuilder().setConfigMap(configMap("collector.yaml", 2 * 1024)))
            .setRemoteConfigStatus(
                RemoteConfigStatus.newBuilder()
                    .setLastRemoteConfigHash(ByteString.copyFrom(new byte[32]))
                    .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED))
            .build();
    configOffer =
        ServerToAgent.newBuilder()
            .setInstanceUid(uid.toByteString())
            .setCapabilities(
                ServerCapability.BITMASK.toMask(
                    java.util.EnumSet.of(
                        ServerCapability.ACCEPTS_STATUS,
                        ServerCapability.OFFERS_REMOTE_CONFIG,
                        ServerCapability.ACCEPTS_EFFECTIVE_CONFIG)))
            .setRemoteConfig(
                AgentRemoteConfig.newBuilder()
                    .setConfig(configMap("", 10 * 1024))
                    .setConfigHash(ByteString.copyFrom(new byte[32])))
            .build();
    statusReportFrame = ByteBuffer.wrap(WebSocketFraming.frame(statusReport));
    configOfferFrame = ByteBuffer.wrap(WebSocketFraming.frame(configOffer));
  }

  /** Encodes a status report into a WebSocket message. */
  @Benchmark
  public byte[] encodeStatusReport() {
    return WebSocketFraming.frame(statusReport);
  }

  /** Decodes a status report from a WebSocket message. */
  @Benchmark
  public AgentToServer decodeStatusReport() throws MalformedMessageException {
    return WebSocketFraming.parse(AgentToServer.parser(), statusReportFrame, limits);
  }

  /** Encodes a 10 KiB remote config offer into a WebSocket message. */
  @Benchmark
  public byte[] encodeConfigOffer() {
    return WebSocketFraming.frame(configOffer);
  }

  /** Decodes a 10 KiB remote config offer from a WebSocket message. */
  @Benchmark
  public ServerToAgent decodeConfigOffer() throws MalformedMessageException {
    return WebSocketFraming.parse(ServerToAgent.parser(), configOfferFrame, limits);
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static ComponentHealth pipelineHealth() {
    ComponentHealth component =
        ComponentHealth.newBuilder()
            .setHealthy(true)
            .setStatus("StatusOK")
            .setStatusTimeUnixNano(1_764_331_260_000_000_000L)
            .build();
    return ComponentHealth.newBuilder()
        .setHealthy(true)
        .setStatus("StatusOK")
        .setStatusTimeUnixNano(1_764_331_260_000_000_000L)
        .putComponentHealthMap("receiver:otlp", component)
        .putComponentHealthMap("processor:batch", component)
        .putComponentHealthMap("exporter:otlp", component)
        .build();
  }

  private static AgentConfigMap configMap(String name, int sizeBytes) {
    StringBuilder yaml = new StringBuilder(sizeBytes + 64);
    int pipeline = 0;
    while (yaml.length() < sizeBytes) {
      yaml.append("receivers:\n  otlp/")
          .append(pipeline)
          .append(":\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:")
          .append(4317 + pipeline)
          .append("\nprocessors:\n  batch/")
          .append(pipeline)
          .append(": {}\n");
      pipeline++;
    }
    yaml.setLength(sizeBytes);
    return AgentConfigMap.newBuilder()
        .putConfigMap(
            name,
            AgentConfigFile.newBuilder()
                .setBody(ByteString.copyFromUtf8(yaml.toString()))
                .setContentType("text/yaml")
                .build())
        .build();
  }
}
