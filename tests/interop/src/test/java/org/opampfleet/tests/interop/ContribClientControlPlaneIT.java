/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.opamp.client.OpampClient;
import io.opentelemetry.opamp.client.internal.connectivity.http.OkHttpSender;
import io.opentelemetry.opamp.client.internal.connectivity.websocket.OkHttpWebSocket;
import io.opentelemetry.opamp.client.internal.request.delay.PeriodicDelay;
import io.opentelemetry.opamp.client.internal.request.service.HttpRequestService;
import io.opentelemetry.opamp.client.internal.request.service.WebSocketRequestService;
import io.opentelemetry.opamp.client.internal.response.MessageData;
import io.opentelemetry.opamp.client.request.service.RequestService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.controlplane.app.testing.ControlPlaneProcess;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The control plane server, run as a user runs it (the jar, its own process), with the
 * OpenTelemetry Java contrib OpAMP client as agents over both transports: they appear in the REST
 * API with their description, a configuration saved through the API reaches the matching agents
 * only, and their APPLIED status shows in the API.
 */
class ContribClientControlPlaneIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path work;
  private ControlPlaneProcess server;
  private final List<OpampClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() throws Exception {
    for (OpampClient client : clients) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private OpampClient contribAgent(boolean webSocket, byte[] uid, String serviceName) {
    String url = (webSocket ? "ws" : "http") + "://127.0.0.1:" + server.opampPort + "/v1/opamp";
    RequestService service =
        webSocket
            ? WebSocketRequestService.create(OkHttpWebSocket.create(url))
            : HttpRequestService.create(
                OkHttpSender.create(url),
                PeriodicDelay.ofFixedDuration(Duration.ofMillis(300)),
                PeriodicDelay.ofFixedDuration(Duration.ofMillis(300)));
    OpampClient client =
        OpampClient.builder()
            .setRequestService(service)
            .setInstanceUid(uid)
            .putIdentifyingAttribute("service.name", serviceName)
            .putNonIdentifyingAttribute("host.name", webSocket ? "ws-host" : "http-host")
            .enableRemoteConfig()
            .build(
                new OpampClient.Callbacks() {
                  @Override
                  public void onConnect(OpampClient c) {
                    // This client (1.53.0-alpha) can send its first WebSocket report before the
                    // socket is open, losing the description, and it has no heartbeat to answer
                    // the server's full-state request with; an application re-reports on connect
                    // (a changed description, since the client sends only what changed).
                    c.setAgentDescription(description(serviceName, webSocket));
                  }

                  @Override
                  public void onConnectFailed(OpampClient c, Throwable t) {}

                  @Override
                  public void onErrorResponse(OpampClient c, opamp.proto.ServerErrorResponse e) {}

                  @Override
                  public void onMessage(OpampClient c, MessageData data) {
                    opamp.proto.AgentRemoteConfig config = data.getRemoteConfig();
                    if (config != null) {
                      c.setRemoteConfigStatus(
                          new opamp.proto.RemoteConfigStatus.Builder()
                              .last_remote_config_hash(config.config_hash)
                              .status(opamp.proto.RemoteConfigStatuses.RemoteConfigStatuses_APPLIED)
                              .build());
                    }
                  }
                });
    clients.add(client);
    return client;
  }

  private static opamp.proto.AgentDescription description(String serviceName, boolean webSocket) {
    return new opamp.proto.AgentDescription.Builder()
        .identifying_attributes(List.of(kv("service.name", serviceName)))
        .non_identifying_attributes(
            List.of(kv("host.name", webSocket ? "ws-host" : "http-host"), kv("os.type", "linux")))
        .build();
  }

  private static opamp.proto.KeyValue kv(String key, String value) {
    return new opamp.proto.KeyValue.Builder()
        .key(key)
        .value(new opamp.proto.AnyValue.Builder().string_value(value).build())
        .build();
  }

  private HttpResponse<String> api(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort + path))
            .header("Authorization", "Bearer " + server.adminToken)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode agent(InstanceUid uid) throws Exception {
    HttpResponse<String> response = api("GET", "/api/v1/agents/" + uid, null);
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  @Test
  void contribAgentsAppearGetTheirConfigAndReportItApplied() throws Exception {
    server = ControlPlaneProcess.start(work);
    InstanceUid wsUid = InstanceUid.generate();
    InstanceUid httpUid = InstanceUid.generate();
    InstanceUid otherUid = InstanceUid.generate();
    contribAgent(true, wsUid.toBytes(), "checkout");
    contribAgent(false, httpUid.toBytes(), "checkout");
    contribAgent(true, otherUid.toBytes(), "cart");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (InstanceUid uid : List.of(wsUid, httpUid, otherUid)) {
                JsonNode agent = agent(uid);
                assertThat(agent).as("agent " + uid + " in the API").isNotNull();
                assertThat(agent.path("identifyingAttributes").path("service.name").asText())
                    .isNotEmpty();
              }
            });
    assertThat(agent(httpUid).path("nonIdentifyingAttributes").path("host.name").asText())
        .isEqualTo("http-host");

    HttpResponse<String> saved =
        api(
            "PUT",
            "/api/v1/configs/checkout",
            JSON.writeValueAsString(
                Map.of(
                    "selector",
                    "service.name=checkout",
                    "priority",
                    0,
                    "files",
                    Map.of("collector.yaml", "exporters:\n  debug: {}\n"))));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(agent(wsUid).path("remoteConfigStatus").path("status").asText())
                  .isEqualTo("APPLIED");
              assertThat(agent(httpUid).path("remoteConfigStatus").path("status").asText())
                  .isEqualTo("APPLIED");
            });
    assertThat(agent(otherUid).path("remoteConfigStatus").path("status").asText("UNSET"))
        .isNotEqualTo("APPLIED");
  }
}
