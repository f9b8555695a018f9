/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.opentelemetry.opamp.client.OpampClient;
import io.opentelemetry.opamp.client.internal.connectivity.http.OkHttpSender;
import io.opentelemetry.opamp.client.internal.connectivity.websocket.OkHttpWebSocket;
import io.opentelemetry.opamp.client.internal.request.delay.PeriodicDelay;
import io.opentelemetry.opamp.client.internal.request.service.HttpRequestService;
import io.opentelemetry.opamp.client.internal.request.service.WebSocketRequestService;
import io.opentelemetry.opamp.client.internal.response.MessageData;
import io.opentelemetry.opamp.client.request.service.RequestService;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.netty.NettyTransport;

/**
 * Our server against the OpenTelemetry Java contrib OpAMP client ({@code
 * io.opentelemetry.contrib:opentelemetry-opamp-client}), a peer we did not write, over both
 * transports: its description arrives, a remote config reaches it, its APPLIED status comes back.
 */
class ContribOpampClientIT {
  private static final ByteString CONFIG_HASH = ByteString.copyFromUtf8("interop-config-v1");
  private static final String CONFIG_BODY = "receivers:\n  otlp: {}\n";

  private final BlockingQueue<AgentToServer> received = new LinkedBlockingQueue<>();
  private final List<AgentToServer> all = new CopyOnWriteArrayList<>();
  private final List<AgentConnection> connections = new CopyOnWriteArrayList<>();
  private OpampServer server;
  private NettyTransport transport;
  private @Nullable OpampClient client;

  @BeforeEach
  void startServer() {
    ConnectionCallbacks callbacks =
        new ConnectionCallbacks() {
          @Override
          public void onConnected(AgentConnection connection) {
            connections.add(connection);
          }

          @Override
          public @Nullable ServerToAgent onMessage(
              AgentConnection connection, AgentToServer message) {
            received.add(message);
            all.add(message);
            boolean applied =
                message.hasRemoteConfigStatus()
                    && message
                        .getRemoteConfigStatus()
                        .getLastRemoteConfigHash()
                        .equals(CONFIG_HASH);
            if (applied || !connection.hasCapability(AgentCapability.ACCEPTS_REMOTE_CONFIG)) {
              return null;
            }
            // RC-03: offer the config until the agent reports having it.
            return ServerToAgent.newBuilder()
                .setRemoteConfig(
                    AgentRemoteConfig.newBuilder()
                        .setConfigHash(CONFIG_HASH)
                        .setConfig(
                            AgentConfigMap.newBuilder()
                                .putConfigMap(
                                    "",
                                    AgentConfigFile.newBuilder()
                                        .setBody(ByteString.copyFromUtf8(CONFIG_BODY))
                                        .setContentType("text/yaml")
                                        .build())))
                .build();
          }
        };
    server =
        OpampServer.builder()
            .capabilities(
                EnumSet.of(
                    ServerCapability.OFFERS_REMOTE_CONFIG,
                    ServerCapability.ACCEPTS_EFFECTIVE_CONFIG))
            .callbacks(request -> ConnectionDecision.accept(callbacks))
            .build();
    transport = NettyTransport.builder(server).host("127.0.0.1").port(0).ioThreads(1).build();
    transport.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    transport.close();
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void describesItselfReceivesARemoteConfigAndReportsItApplied(TransportKind kind)
      throws Exception {
    BlockingQueue<AgentRemoteConfigSeen> configs = new LinkedBlockingQueue<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    String url =
        (kind == TransportKind.WEBSOCKET ? "ws" : "http")
            + "://127.0.0.1:"
            + transport.localAddress().getPort()
            + "/v1/opamp";
    RequestService requestService =
        kind == TransportKind.WEBSOCKET
            ? WebSocketRequestService.create(OkHttpWebSocket.create(url))
            : HttpRequestService.create(
                OkHttpSender.create(url),
                PeriodicDelay.ofFixedDuration(Duration.ofMillis(200)),
                PeriodicDelay.ofFixedDuration(Duration.ofMillis(200)));
    byte[] instanceUid = InstanceUid.generate().toBytes();

    client =
        OpampClient.builder()
            .setRequestService(requestService)
            .setInstanceUid(instanceUid)
            .putIdentifyingAttribute("service.name", "interop-agent")
            .putNonIdentifyingAttribute("os.type", "linux")
            .enableRemoteConfig()
            .build(
                new OpampClient.Callbacks() {
                  @Override
                  public void onConnect(OpampClient opampClient) {}

                  @Override
                  public void onConnectFailed(OpampClient opampClient, Throwable throwable) {}

                  @Override
                  public void onErrorResponse(
                      OpampClient opampClient, opamp.proto.ServerErrorResponse errorResponse) {}

                  @Override
                  public void onMessage(OpampClient opampClient, MessageData messageData) {
                    opamp.proto.AgentRemoteConfig config = messageData.getRemoteConfig();
                    if (config == null) {
                      return;
                    }
                    configs.add(
                        new AgentRemoteConfigSeen(
                            config.config_hash.toByteArray(),
                            config.config.config_map.get("").body.utf8()));
                    opampClient.setRemoteConfigStatus(
                        new opamp.proto.RemoteConfigStatus.Builder()
                            .last_remote_config_hash(config.config_hash)
                            .status(opamp.proto.RemoteConfigStatuses.RemoteConfigStatuses_APPLIED)
                            .build());
                  }
                });

    // Its description arrives. Over WebSocket this client's first report can go out before the
    // socket is open and be replaced by one with only the required fields; the server then asks
    // for the full state (ST-16) and the description follows in the next report.
    AgentToServer first = received.poll(10, TimeUnit.SECONDS);
    assertThat(first).as("first message from the contrib client").isNotNull();
    assertThat(InstanceUid.fromBytes(first.getInstanceUid()))
        .isEqualTo(InstanceUid.fromBytes(instanceUid));
    // The contrib client leaves out ReportsStatus (GEN-03); the server accepts it anyway.
    assertThat(AgentCapability.BITMASK.toSet(first.getCapabilities()))
        .contains(AgentCapability.ACCEPTS_REMOTE_CONFIG);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                all.stream()
                    .anyMatch(
                        m ->
                            m.getAgentDescription().getIdentifyingAttributesList().stream()
                                .anyMatch(
                                    kv ->
                                        kv.getKey().equals("service.name")
                                            && kv.getValue()
                                                .getStringValue()
                                                .equals("interop-agent"))));

    // A remote config reaches it.
    AgentRemoteConfigSeen seen = configs.poll(10, TimeUnit.SECONDS);
    assertThat(seen).as("remote config seen by the contrib client").isNotNull();
    assertThat(seen.hash()).isEqualTo(CONFIG_HASH.toByteArray());
    assertThat(seen.body()).isEqualTo(CONFIG_BODY);

    // Its APPLIED status comes back.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                all.stream()
                    .anyMatch(
                        m ->
                            m.getRemoteConfigStatus().getStatus()
                                    == RemoteConfigStatuses.RemoteConfigStatuses_APPLIED
                                && m.getRemoteConfigStatus()
                                    .getLastRemoteConfigHash()
                                    .equals(CONFIG_HASH)));
    assertThat(connections).extracting(AgentConnection::transport).containsOnly(kind);
    assertThat(errors).as("error responses the client received").isEmpty();
  }

  record AgentRemoteConfigSeen(byte[] hash, String body) {}
}
