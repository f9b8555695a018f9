/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** Every REST endpoint's success and error paths against a started server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GOOD_YAML =
      "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\n"
          + "service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n";

  private WebTestServer web;

  @BeforeAll
  void start() {
    web = new WebTestServer(AuthMode.TOKENS);
  }

  @AfterAll
  void stop() {
    web.close();
  }

  private static JsonNode body(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private Agent agent(String service, String env) {
    return web.fleet.connect(Map.of("service.name", service, "deployment.environment", env));
  }

  @Test
  void missingTokenGets401ProblemWithChallenge() throws Exception {
    HttpResponse<String> response =
        web.send(HttpRequest.newBuilder(web.uri("/api/v1/agents")).GET().build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(body(response).get("title").asText()).isEqualTo("Sign-in required");
  }

  @Test
  void wrongTokenGets401NamingAnInvalidToken() throws Exception {
    HttpResponse<String> response =
        web.send(
            HttpRequest.newBuilder(web.uri("/api/v1/fleet/summary"))
                .header("Authorization", "Bearer ofp_wrong")
                .GET()
                .build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("invalid_token");
    assertThat(body(response).get("detail").asText()).contains("not valid");
    assertThat(response.body()).doesNotContain("ofp_wrong");
  }

  @Test
  void openApiDocumentIsServedWithoutToken() {
    HttpResponse<String> response =
        web.send(HttpRequest.newBuilder(web.uri("/api/v1/openapi.yaml")).GET().build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("openapi: 3.1.0").contains("/api/v1/configs/{name}/diff");
  }

  @Test
  void listsAgentsWithTheDocumentedShapeAndPages() throws Exception {
    for (int i = 0; i < 5; i++) {
      agent("pager", "paging");
    }
    JsonNode first =
        body(web.get("/api/v1/agents?selector=service.name%3Dpager&limit=2&sort=name"));
    assertThat(first.get("total").asInt()).isEqualTo(5);
    assertThat(first.get("items")).hasSize(2);
    JsonNode item = first.get("items").get(0);
    assertThat(InstanceUid.parse(item.get("instanceUid").asText())).isNotNull();
    assertThat(item.get("connected").asBoolean()).isTrue();
    assertThat(item.get("identifyingAttributes").get("service.name").asText()).isEqualTo("pager");
    assertThat(item.get("nonIdentifyingAttributes").get("host.name")).isNotNull();
    assertThat(item.get("labels").isObject()).isTrue();
    assertThat(item.get("health").get("status").asText()).isEqualTo("unknown");
    assertThat(item.get("remoteConfigStatus").get("status").asText()).isEqualTo("UNSET");
    assertThat(
            item.has("lastRemoteConfigHash")
                || item.get("remoteConfigStatus").has("lastRemoteConfigHash"))
        .isTrue();
    assertThat(item.get("remoteConfigStatus").has("errorMessage")).isTrue();
    assertThat(item.get("effectiveConfig").isObject()).isTrue();
    assertThat(item.get("lastSeen").asText()).isEqualTo("2026-11-28T12:00:00Z");

    java.util.Set<String> seen = new java.util.HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          body(
              web.get(
                  "/api/v1/agents?selector=service.name%3Dpager&limit=2&sort=name"
                      + (cursor == null ? "" : "&after=" + cursor)));
      page.get("items").forEach(a -> assertThat(seen.add(a.get("instanceUid").asText())).isTrue());
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(seen).hasSize(5);
    assertThat(pages).isEqualTo(3);

    String base = "/api/v1/agents?selector=service.name%3Dpager&limit=2&sort=name";
    JsonNode firstPage = body(web.get(base));
    JsonNode last = body(web.get(base + "&after=" + firstPage.get("lastCursor").asText()));
    assertThat(firstPage.get("offset").asInt()).isZero();
    assertThat(last.get("offset").asInt()).isEqualTo(4);
    assertThat(last.get("items")).hasSize(1);
    assertThat(last.get("nextCursor").isNull()).isTrue();
    JsonNode middle = body(web.get(base + "&after=" + last.get("previousCursor").asText()));
    assertThat(middle.get("offset").asInt()).isEqualTo(2);
    assertThat(middle.get("previousCursor").isNull()).as("the previous page is the first").isTrue();
  }

  @Test
  void badQueryParametersGet400() throws Exception {
    HttpResponse<String> bad = web.get("/api/v1/agents?conn=sleepy&limit=9000");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(body(bad).get("detail").asText()).contains("conn=sleepy").contains("limit=9000");
    HttpResponse<String> selector = web.get("/api/v1/agents?selector=env%20in%20prod");
    assertThat(selector.statusCode()).isEqualTo(400);
    assertThat(body(selector).get("column").asInt()).isEqualTo(8);
    assertThat(body(selector).get("detail").asText()).contains("column 8");
  }

  @Test
  void unknownAgentGets404AndMalformedUidGets400() throws Exception {
    HttpResponse<String> unknown = web.get("/api/v1/agents/" + InstanceUid.generate());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(body(unknown).get("title").asText()).isEqualTo("Unknown agent");
    assertThat(web.get("/api/v1/agents/not-a-uid").statusCode()).isEqualTo(400);
    assertThat(
            web.json("PATCH", "/api/v1/agents/" + InstanceUid.generate() + "/labels", "{}")
                .statusCode())
        .isEqualTo(404);
    assertThat(web.get("/api/v1/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void getsOneAgentWithHealthTreeAndTimeline() throws Exception {
    Agent a = agent("detail", "prod");
    JsonNode json = body(web.get("/api/v1/agents/" + a.instanceUid()));
    assertThat(json.get("instanceUid").asText()).isEqualTo(a.instanceUid().toString());
    assertThat(json.get("capabilities").toString()).contains("AcceptsRestartCommand");
    web.fleet.inventory.record(
        a.instanceUid(), org.opampfleet.controlplane.agent.AgentEvent.Kind.CONNECTED, "hello");
    JsonNode timeline = body(web.get("/api/v1/agents/" + a.instanceUid() + "/timeline?limit=5"));
    assertThat(timeline.get("items").get(0).get("message").asText()).isEqualTo("hello");
    assertThat(
            web.get("/api/v1/agents/" + a.instanceUid() + "/timeline?before=yesterday")
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void showsHealthAttributesAndAvailableComponentsOfOneAgent() throws Exception {
    Agent a = agent("components", "prod");
    long started = 1_795_882_531_540_190_616L;
    web.fleet.inventory.updateExisting(
        a.instanceUid(),
        x ->
            x.toBuilder()
                .health(
                    ComponentHealth.newBuilder()
                        .setHealthy(false)
                        .setStatus("CrashLoop")
                        .setStartTimeUnixNano(started)
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("process.exit_code")
                                .setValue(AnyValue.newBuilder().setIntValue(3)))
                        .build(),
                    web.fleet.clock.instant())
                .availableComponents(
                    AvailableComponents.newBuilder()
                        .setHash(ByteString.copyFrom(new byte[] {0x0a, (byte) 0xbc}))
                        .putComponents(
                            "receivers",
                            ComponentDetails.newBuilder()
                                .putSubComponentMap(
                                    "otlp",
                                    ComponentDetails.newBuilder()
                                        .addMetadata(
                                            KeyValue.newBuilder()
                                                .setKey("code.namespace")
                                                .setValue(
                                                    AnyValue.newBuilder()
                                                        .setStringValue("otlpreceiver")))
                                        .build())
                                .build())
                        .build())
                .build());

    JsonNode json = body(web.get("/api/v1/agents/" + a.instanceUid()));

    JsonNode root = json.get("health").get("root");
    assertThat(root.get("attributes").get("process.exit_code").asText()).isEqualTo("3");
    assertThat(java.time.Instant.parse(root.get("startTime").asText()))
        .isEqualTo(java.time.Instant.ofEpochSecond(0, started));
    JsonNode components = json.get("availableComponents");
    assertThat(components.get("hash").asText()).isEqualTo("0abc");
    assertThat(
            components
                .get("components")
                .get("receivers")
                .get("subComponents")
                .get("otlp")
                .get("metadata")
                .get("code.namespace")
                .asText())
        .isEqualTo("otlpreceiver");
    JsonNode listed =
        body(web.get("/api/v1/agents?selector=service.name%3Dcomponents")).get("items").get(0);
    assertThat(listed.has("availableComponents")).as("the detail only").isFalse();
  }

  @Test
  void patchingLabelsReconcilesTheAgent() throws Exception {
    Agent a = agent("labelled", "dev");
    web.fleet.save("canary-labels", "ring=canary", 5, GOOD_YAML);
    int before = web.fleet.messenger.offers.size();
    HttpResponse<String> response =
        web.json(
            "PATCH",
            "/api/v1/agents/" + a.instanceUid() + "/labels",
            "{\"ring\":\"canary\",\"gone\":null}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response).get("labels").get("ring").asText()).isEqualTo("canary");
    assertThat(web.fleet.messenger.offers.subList(before, web.fleet.messenger.offers.size()))
        .anySatisfy(
            s -> {
              assertThat(s.instanceUid()).isEqualTo(a.instanceUid());
              assertThat(s.offer().version().name()).isEqualTo("canary-labels");
            });
    assertThat(web.fleet.inventory.timeline(a.instanceUid(), null, 10))
        .anySatisfy(e -> assertThat(e.message()).contains("labels edited by admin"));
    HttpResponse<String> invalid =
        web.json("PATCH", "/api/v1/agents/" + a.instanceUid() + "/labels", "{\"bad key!\":\"x\"}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(body(invalid).get("detail").asText()).contains("bad key!");
  }

  @Test
  void restartAndDeleteFollowTheAgentsState() throws Exception {
    Agent a = agent("restartable", "prod");
    HttpResponse<String> restart =
        web.send(
            web.request("/api/v1/agents/" + a.instanceUid() + "/restart")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(restart.statusCode()).isEqualTo(202);
    assertThat(web.fleet.messenger.restarts).contains(a.instanceUid());
    HttpResponse<String> delete =
        web.send(web.request("/api/v1/agents/" + a.instanceUid()).DELETE().build());
    assertThat(delete.statusCode()).isEqualTo(409);
    assertThat(body(delete).get("detail").asText()).contains("disconnected");
    web.fleet.inventory.updateExisting(
        a.instanceUid(),
        x ->
            x.toBuilder()
                .connection(
                    new org.opampfleet.controlplane.agent.AgentConnectionInfo(
                        false,
                        x.connection().transport(),
                        "",
                        x.connection().connectedAt(),
                        web.fleet.clock.instant(),
                        "AGENT_DISCONNECTED"))
                .build());
    web.fleet.messenger.connected.remove(a.instanceUid());
    HttpResponse<String> notConnected =
        web.send(
            web.request("/api/v1/agents/" + a.instanceUid() + "/restart")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(notConnected.statusCode()).isEqualTo(409);
    assertThat(
            web.send(web.request("/api/v1/agents/" + a.instanceUid()).DELETE().build())
                .statusCode())
        .isEqualTo(204);
    assertThat(web.get("/api/v1/agents/" + a.instanceUid()).statusCode()).isEqualTo(404);
  }

  @Test
  void directAssignmentOffersTheConfiguration() throws Exception {
    Agent a = agent("assigned", "prod");
    web.fleet.save("direct-one", "nobody=here", 0, GOOD_YAML);
    HttpResponse<String> unknown =
        web.json("PUT", "/api/v1/agents/" + a.instanceUid() + "/config", "{\"config\":\"nope\"}");
    assertThat(unknown.statusCode()).isEqualTo(422);
    HttpResponse<String> ok =
        web.json(
            "PUT", "/api/v1/agents/" + a.instanceUid() + "/config", "{\"config\":\"direct-one\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(body(ok).get("config").get("desired").get("name").asText()).isEqualTo("direct-one");
    assertThat(web.fleet.messenger.offers)
        .anySatisfy(s -> assertThat(s.instanceUid()).isEqualTo(a.instanceUid()));
    HttpResponse<String> removed =
        web.json("PUT", "/api/v1/agents/" + a.instanceUid() + "/config", "{\"config\":null}");
    assertThat(body(removed).get("config").get("directAssignment").isNull()).isTrue();
  }

  @Test
  void savesVersionsDiffsAndDeletesConfigurations() throws Exception {
    HttpResponse<String> created =
        web.json(
            "PUT",
            "/api/v1/configs/api-save",
            JSON.writeValueAsString(
                Map.of(
                    "selector",
                    "service.name=api-save",
                    "priority",
                    3,
                    "files",
                    Map.of("collector.yaml", GOOD_YAML),
                    "note",
                    "first")));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(body(created).get("version").get("version").asInt()).isEqualTo(1);
    assertThat(body(created).get("version").get("author").asText()).isEqualTo("admin");
    HttpResponse<String> second =
        web.json(
            "PUT",
            "/api/v1/configs/api-save",
            JSON.writeValueAsString(
                Map.of(
                    "selector",
                    "service.name=api-save",
                    "files",
                    Map.of("collector.yaml", GOOD_YAML + "# v2\n"),
                    "baseVersion",
                    1)));
    assertThat(second.statusCode()).isEqualTo(200);
    HttpResponse<String> conflict =
        web.json(
            "PUT",
            "/api/v1/configs/api-save",
            JSON.writeValueAsString(
                Map.of(
                    "selector",
                    "",
                    "files",
                    Map.of("collector.yaml", GOOD_YAML),
                    "baseVersion",
                    1)));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(body(conflict).get("latestVersion").asInt()).isEqualTo(2);
    assertThat(body(conflict).get("detail").asText()).contains("v2");

    JsonNode list = body(web.get("/api/v1/configs"));
    assertThat(list.get("items").toString()).contains("api-save");
    JsonNode detail = body(web.get("/api/v1/configs/api-save"));
    assertThat(detail.get("latestVersion").asInt()).isEqualTo(2);
    assertThat(detail.get("files").get("collector.yaml").asText()).endsWith("# v2\n");
    assertThat(body(web.get("/api/v1/configs/api-save/versions")).get("items")).hasSize(2);
    assertThat(body(web.get("/api/v1/configs/api-save/versions/1")).get("note").asText())
        .isEqualTo("first");
    assertThat(web.get("/api/v1/configs/api-save/versions/9").statusCode()).isEqualTo(404);
    JsonNode diff = body(web.get("/api/v1/configs/api-save/diff?from=1&to=2"));
    assertThat(diff.get("files").get(0).get("added").asInt()).isEqualTo(1);
    assertThat(diff.get("files").get(0).get("unified").asText()).contains("+# v2");

    assertThat(web.send(web.request("/api/v1/configs/api-save").DELETE().build()).statusCode())
        .isEqualTo(204);
    assertThat(web.get("/api/v1/configs/api-save").statusCode()).isEqualTo(404);
    assertThat(web.send(web.request("/api/v1/configs/api-save").DELETE().build()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void badYamlGets400NamingLineAndColumn() throws Exception {
    String yaml =
        "receivers:\n  otlp:\n    protocols: {grpc: {}}\n  endpoint localhost:4317\n  x: : y\n";
    HttpResponse<String> response =
        web.json(
            "PUT",
            "/api/v1/configs/bad-yaml",
            JSON.writeValueAsString(
                Map.of("selector", "", "files", Map.of("collector.yaml", yaml))));
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode problem = body(response);
    assertThat(problem.get("type").asText()).isEqualTo("urn:opampfleet:problem:invalid-config");
    JsonNode error = problem.get("errors").get(0);
    assertThat(error.get("line").asInt()).isPositive();
    assertThat(error.get("column").asInt()).isPositive();
    assertThat(problem.get("detail").asText())
        .contains("line " + error.get("line").asInt() + ", column " + error.get("column").asInt());
  }

  @Test
  void badSelectorGets400NamingTheColumn() throws Exception {
    HttpResponse<String> save =
        web.json(
            "PUT",
            "/api/v1/configs/bad-selector",
            JSON.writeValueAsString(
                Map.of("selector", "env in prod", "files", Map.of("collector.yaml", GOOD_YAML))));
    assertThat(save.statusCode()).isEqualTo(400);
    assertThat(body(save).get("detail").asText()).contains("column 8");
    HttpResponse<String> preview =
        web.json("POST", "/api/v1/selector/preview", "{\"selector\":\"env in prod\"}");
    assertThat(preview.statusCode()).isEqualTo(400);
    assertThat(body(preview).get("column").asInt()).isEqualTo(8);
  }

  @Test
  void malformedBodiesGetClear4xx() throws Exception {
    HttpResponse<String> notJson = web.json("PUT", "/api/v1/configs/x", "{\"selector\": ");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(body(notJson).get("title").asText()).isEqualTo("The request body is not valid JSON");
    HttpResponse<String> unknownMember =
        web.json("PUT", "/api/v1/configs/x", "{\"selectr\":\"\",\"files\":{}}");
    assertThat(unknownMember.statusCode()).isEqualTo(400);
    assertThat(body(unknownMember).get("detail").asText()).contains("selectr");
    HttpResponse<String> wrongType =
        web.send(
            web.request("/api/v1/configs/x")
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("hi"))
                .build());
    assertThat(wrongType.statusCode()).isEqualTo(415);
    HttpResponse<String> noFiles = web.json("PUT", "/api/v1/configs/x", "{\"selector\":\"\"}");
    assertThat(noFiles.statusCode()).isEqualTo(400);
  }

  @Test
  void settingsAreSavedWithHeadersMasked() throws Exception {
    web.fleet.save("with-settings", "nothing=matches", 0, GOOD_YAML);
    String body =
        "{\"heartbeatIntervalSeconds\":15,\"ownMetrics\":{\"endpoint\":\"https://otlp.example.com:4318/v1/metrics\",\"headers\":{\"api-key\":\"s3cret\"}}}";
    HttpResponse<String> saved = web.json("PUT", "/api/v1/configs/with-settings/settings", body);
    assertThat(saved.statusCode()).isEqualTo(200);
    assertThat(saved.body()).doesNotContain("s3cret");
    assertThat(
            web.fleet
                .configs
                .get("with-settings")
                .orElseThrow()
                .configuration()
                .settings()
                .ownMetrics()
                .headers())
        .containsEntry("api-key", "s3cret");
    JsonNode detail = body(web.get("/api/v1/configs/with-settings"));
    assertThat(detail.get("settings").get("heartbeatIntervalSeconds").asInt()).isEqualTo(15);
    assertThat(detail.toString()).doesNotContain("s3cret");
    HttpResponse<String> badEndpoint =
        web.json(
            "PUT",
            "/api/v1/configs/with-settings/settings",
            "{\"ownLogs\":{\"endpoint\":\"ftp://x\"}}");
    assertThat(badEndpoint.statusCode()).isEqualTo(400);
  }

  @Test
  void selectorPreviewCountsAndResolvesKeys() throws Exception {
    agent("previewed", "prev");
    agent("previewed", "prev");
    HttpResponse<String> response =
        web.json(
            "POST",
            "/api/v1/selector/preview",
            "{\"selector\":\"service.name=previewed,deployment.environment=prev\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode json = body(response);
    assertThat(json.get("count").asInt()).isEqualTo(2);
    assertThat(json.get("connected").asInt()).isEqualTo(2);
    assertThat(json.get("samples")).hasSize(2);
    assertThat(json.get("resolution").get("service.name").asText())
        .isEqualTo("identifying attribute");
  }

  @Test
  void fleetSummaryCountsByDimension() throws Exception {
    Agent a = agent("summed", "prod");
    ConfigVersion v = web.fleet.save("summary-config", "service.name=summed", 0, GOOD_YAML);
    web.fleet.report(a.instanceUid(), v, RemoteConfigReport.Status.APPLIED, "");
    JsonNode json = body(web.get("/api/v1/fleet/summary"));
    assertThat(json.get("total").asInt()).isPositive();
    assertThat(json.get("connection").get("connected").asInt()).isPositive();
    assertThat(json.get("config").get("applied").asInt()).isPositive();
    assertThat(json.get("agentVersions").isObject()).isTrue();
    assertThat(json.get("configurations").get("summary-config").asInt()).isEqualTo(1);
  }

  @Test
  void metricsNeedATokenByDefault() {
    assertThat(
            web.send(java.net.http.HttpRequest.newBuilder(web.uri("/metrics")).GET().build())
                .statusCode())
        .isEqualTo(401);
    HttpResponse<String> metrics = web.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("opampfleet_up 1");
  }

  @Test
  void crossSiteWritesAreRefused() {
    HttpResponse<String> response =
        web.send(
            web.request("/api/v1/selector/preview")
                .header("Content-Type", "application/json")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"selector\":\"\"}"))
                .build());
    assertThat(response.statusCode()).isEqualTo(403);
  }
}
