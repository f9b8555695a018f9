/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.benchmarks;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.InboundHandler;
import org.opampfleet.opamp.server.spi.TransportConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The server engine's hot path for one WebSocket agent: decode the framed message, run the session
 * duties (sequence check, capabilities, outbox), call the application, build and encode the reply.
 * The transport is an in-memory stand-in that frames the reply, as the Netty transport does, so the
 * figure is the engine's CPU cost per message without socket I/O.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ServerDispatchBenchmark {
  private final MessageLimits limits = MessageLimits.defaults();
  private OpampServer server;
  private InboundHandler inbound;
  private Blackhole sink;
  // Frames with consecutive sequence numbers, so each message is the next one (no gap, no
  // duplicate); wrapping around the ring costs one full-state request per RING messages.
  private static final int RING = 1024;
  private final ByteBuffer[] heartbeats = new ByteBuffer[RING];
  private final ByteBuffer[] statusReports = new ByteBuffer[RING];
  private int next;

  private final ConnectionCallbacks callbacks =
      new ConnectionCallbacks() {
        @Override
        public @Nullable ServerToAgent onMessage(
            AgentConnection connection, AgentToServer message) {
          return null;
        }

        @Override
        public void onConnectionClosed(AgentConnection connection, CloseReason reason) {}
      };

  /** Starts an engine and opens one WebSocket session. */
  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) throws MalformedMessageException {
    sink = blackhole;
    server =
        OpampServer.builder()
            .callbacks(request -> ConnectionDecision.accept(callbacks))
            .capabilities(EnumSet.of(ServerCapability.OFFERS_REMOTE_CONFIG))
            .build();
    TransportConnection connection =
        new TransportConnection() {
          @Override
          public TransportKind kind() {
            return TransportKind.WEBSOCKET;
          }

          @Override
          public Executor executor() {
            return Runnable::run;
          }

          @Override
          public void send(ServerToAgent message) {
            sink.consume(WebSocketFraming.frame(message));
          }

          @Override
          public void sendBadRequest(ServerToAgent errorMessage) {
            sink.consume(errorMessage);
          }

          @Override
          public boolean isWritable() {
            return true;
          }

          @Override
          public void close(CloseReason reason) {}
        };
    ConnectionRequest request =
        new ConnectionRequest(
            TransportKind.WEBSOCKET,
            "/v1/opamp",
            Map.of(),
            new InetSocketAddress("127.0.0.1", 1),
            List.of());
    inbound =
        server
            .transportSupport()
            .open(
                connection,
                request,
                (ConnectionDecision.Accept) server.transportSupport().admit(request));
    InstanceUid uid = InstanceUid.generate();
    long caps =
        AgentCapability.BITMASK.toMask(
            EnumSet.of(
                AgentCapability.REPORTS_STATUS,
                AgentCapability.ACCEPTS_REMOTE_CONFIG,
                AgentCapability.REPORTS_HEALTH));
    AgentToServer first =
        AgentToServer.newBuilder()
            .setInstanceUid(uid.toByteString())
            .setSequenceNum(0)
            .setCapabilities(caps)
            .setAgentDescription(
                AgentDescription.newBuilder()
                    .addIdentifyingAttributes(
                        KeyValue.newBuilder()
                            .setKey("service.name")
                            .setValue(AnyValue.newBuilder().setStringValue("otelcol"))))
            .setHealth(ComponentHealth.newBuilder().setHealthy(true))
            .build();
    inbound.onMessage(first);
    AgentToServer report =
        first.toBuilder()
            .setHealth(
                ComponentHealth.newBuilder()
                    .setHealthy(false)
                    .setLastError("exporter otlp: connection refused")
                    .putComponentHealthMap(
                        "pipeline:traces", ComponentHealth.newBuilder().setHealthy(false).build()))
            .build();
    for (int i = 0; i < RING; i++) {
      heartbeats[i] =
          ByteBuffer.wrap(
              WebSocketFraming.frame(
                  AgentToServer.newBuilder()
                      .setInstanceUid(uid.toByteString())
                      .setSequenceNum(1 + 2L * i)
                      .setCapabilities(caps)
                      .build()));
      statusReports[i] =
          ByteBuffer.wrap(
              WebSocketFraming.frame(report.toBuilder().setSequenceNum(2 + 2L * i).build()));
    }
  }

  /** Closes the engine. */
  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
  }

  /** A heartbeat and a status report in, two replies out: the engine's per-message cost. */
  @Benchmark
  public void heartbeatAndStatusReport() throws MalformedMessageException {
    int i = next;
    next = (i + 1) % RING;
    inbound.onMessage(WebSocketFraming.parse(AgentToServer.parser(), heartbeats[i], limits));
    inbound.onMessage(WebSocketFraming.parse(AgentToServer.parser(), statusReports[i], limits));
  }
}
