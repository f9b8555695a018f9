/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.opamp.client.ClientCallbacks;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The whole control plane in-process on loopback, with our OpAMP client library as agents over both
 * transports, driven through the REST API as a user would.
 */
class ControlPlaneIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLLECTOR_YAML =
      "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n";

  @TempDir Path dataDir;
  private ControlPlane controlPlane;
  private final List<OpampClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @AfterEach
  void tearDown() {
    clients.forEach(OpampClient::stop);
    if (controlPlane != null) {
      controlPlane.stop();
    }
  }

  /** This test's data directory on loopback with free ports, plus {@code extra}. */
  private ControlPlaneConfig config(Map<String, String> extra) throws Exception {
    Map<String, String> values = new java.util.HashMap<>(extra);
    values.put("data-dir", dataDir.toString());
    values.put("opamp.host", "127.0.0.1");
    values.put("opamp.port", "0");
    values.put("http.host", "127.0.0.1");
    values.put("http.port", "0");
    return ControlPlaneConfig.load(null, Map.of(), values);
  }

  private void start() throws Exception {
    ControlPlaneConfig config =
        config(Map.of("storage.flush-interval", "100ms", "shutdown.grace-period", "0s"));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    controlPlane =
        ControlPlane.start(config, "test", new PrintStream(console, true, StandardCharsets.UTF_8));
    token = Files.readString(dataDir.resolve(AdminToken.FILE_NAME)).trim();
  }

  private OpampClient agent(String scheme, InstanceUid uid, String serviceName) {
    OpampClient[] self = new OpampClient[1];
    OpampClient client =
        OpampClient.builder()
            .serverUri(
                URI.create(scheme + "://127.0.0.1:" + controlPlane.opampPort() + "/v1/opamp"))
            .instanceUid(uid)
            .agentDescription(
                AgentDescription.newBuilder()
                    .addIdentifyingAttributes(kv("service.name", serviceName))
                    .addIdentifyingAttributes(kv("service.version", "0.141.0"))
                    .addNonIdentifyingAttributes(kv("host.name", "edge-" + scheme))
                    .build())
            .capabilities(
                EnumSet.of(
                    AgentCapability.ACCEPTS_REMOTE_CONFIG,
                    AgentCapability.REPORTS_REMOTE_CONFIG,
                    AgentCapability.REPORTS_EFFECTIVE_CONFIG))
            .effectiveConfigSupplier(() -> EffectiveConfig.getDefaultInstance())
            .pollingInterval(Duration.ofMillis(200))
            .callbacks(
                new ClientCallbacks() {
                  @Override
                  public void onRemoteConfig(AgentRemoteConfig config) {
                    // Applies it at once and reports APPLIED with the hash (RC-07).
                    self[0].setRemoteConfigStatus(
                        RemoteConfigStatus.newBuilder()
                            .setLastRemoteConfigHash(config.getConfigHash())
                            .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED)
                            .build());
                  }
                })
            .build();
    self[0] = client;
    clients.add(client);
    client.start();
    return client;
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private HttpResponse<String> api(String method, String path, String body, String bearer)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPlane.httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response = api("GET", path, null, token);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String configBody(String selector, String yaml) throws Exception {
    return JSON.writeValueAsString(
        Map.of("selector", selector, "priority", 1, "files", Map.of("collector.yaml", yaml)));
  }

  @Test
  void writesAnOwnerOnlyAdminTokenOnFirstStart() throws Exception {
    start();

    assertThat(token).startsWith("ofp_");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve(AdminToken.FILE_NAME))))
        .isEqualTo("rw-------");
    assertThat(api("GET", "/api/v1/agents", null, null).statusCode()).isEqualTo(401);
    assertThat(api("GET", "/api/v1/agents", null, "ofp_wrong").statusCode()).isEqualTo(401);
    assertThat(api("GET", "/api/v1/agents", null, token).statusCode()).isEqualTo(200);
  }

  @Test
  void deliversASavedConfigToMatchingAgentsOverBothTransportsAndShowsTheirStatus()
      throws Exception {
    start();
    InstanceUid wsAgent = InstanceUid.generate();
    InstanceUid httpAgent = InstanceUid.generate();
    InstanceUid other = InstanceUid.generate();
    agent("ws", wsAgent, "checkout");
    agent("http", httpAgent, "checkout");
    agent("ws", other, "cart");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get("/api/v1/agents").get("items").size() == 3);

    JsonNode listed = get("/api/v1/agents");
    JsonNode ws = find(listed, wsAgent);
    assertThat(ws.get("connected").asBoolean()).isTrue();
    assertThat(ws.get("identifyingAttributes").get("service.name").asText()).isEqualTo("checkout");
    assertThat(ws.get("nonIdentifyingAttributes").get("host.name").asText()).isEqualTo("edge-ws");

    HttpResponse<String> saved =
        api(
            "PUT",
            "/api/v1/configs/checkout",
            configBody("service.name=checkout", COLLECTOR_YAML),
            token);
    assertThat(saved.statusCode()).as(saved.body()).isIn(200, 201);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode agents = get("/api/v1/agents");
              assertThat(find(agents, wsAgent).get("remoteConfigStatus").get("status").asText())
                  .isEqualTo("APPLIED");
              assertThat(find(agents, httpAgent).get("remoteConfigStatus").get("status").asText())
                  .isEqualTo("APPLIED");
            });
    JsonNode untouched = find(get("/api/v1/agents"), other);
    assertThat(untouched.path("remoteConfigStatus").path("status").asText("UNSET"))
        .isIn("UNSET", "");
  }

  @Test
  void refusesAnAcceptBurstBelowOneNamingTheSetting() throws Exception {
    ControlPlaneConfig config = config(Map.of("opamp.accept-burst", "0"));

    assertThatThrownBy(
            () ->
                ControlPlane.start(
                    config, "test", new PrintStream(OutputStream.nullOutputStream(), true)))
        .isInstanceOf(StartupException.class)
        .hasMessage("opamp.accept-burst must be at least 1 connection (got 0)");
  }

  @Test
  void refusesBadInputWithAClearProblem() throws Exception {
    start();

    HttpResponse<String> badYaml =
        api("PUT", "/api/v1/configs/broken", configBody("", "receivers:\n  otlp: a: b\n"), token);
    HttpResponse<String> badSelector =
        api("PUT", "/api/v1/configs/broken", configBody("env in prod", COLLECTOR_YAML), token);
    HttpResponse<String> unknownAgent =
        api("GET", "/api/v1/agents/" + InstanceUid.generate(), null, token);
    HttpResponse<String> badUid = api("GET", "/api/v1/agents/not-a-uid", null, token);

    assertThat(badYaml.statusCode()).isEqualTo(400);
    assertThat(badYaml.body()).contains("line 2").contains("column 10");
    assertThat(badSelector.statusCode()).isEqualTo(400);
    assertThat(badSelector.body()).contains("column 8");
    assertThat(unknownAgent.statusCode()).isEqualTo(404);
    assertThat(badUid.statusCode()).isEqualTo(400);
    assertThat(badYaml.headers().firstValue("Content-Type").orElse(""))
        .contains("application/problem+json");
  }

  @Test
  void keepsAgentsConfigsAndVersionsAcrossARestart() throws Exception {
    start();
    InstanceUid uid = InstanceUid.generate();
    OpampClient client = agent("ws", uid, "checkout");
    api(
        "PUT",
        "/api/v1/configs/checkout",
        configBody("service.name=checkout", COLLECTOR_YAML),
        token);
    api(
        "PUT",
        "/api/v1/configs/checkout",
        configBody("service.name=checkout", COLLECTOR_YAML.replace("debug", "logging")),
        token);
    await().atMost(Duration.ofSeconds(10)).until(() -> find(get("/api/v1/agents"), uid) != null);
    client.stop();
    clients.remove(client);
    String firstToken = token;

    controlPlane.stop();
    start();

    assertThat(token).as("the admin token is not replaced").isEqualTo(firstToken);
    JsonNode agent = find(get("/api/v1/agents"), uid);
    assertThat(agent).isNotNull();
    assertThat(agent.get("connected").asBoolean()).isFalse();
    assertThat(agent.get("identifyingAttributes").get("service.name").asText())
        .isEqualTo("checkout");
    assertThat(get("/api/v1/configs/checkout/versions").toString())
        .contains("\"version\":2")
        .contains("\"version\":1");
  }

  private static JsonNode find(JsonNode page, InstanceUid uid) {
    for (JsonNode item : page.get("items")) {
      if (item.get("instanceUid").asText().equals(uid.toString())) {
        return item;
      }
    }
    return null;
  }
}
