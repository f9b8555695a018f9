/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Local development mode: no credentials, yet no cross-site writes. */
class DevelopmentModeIT {
  private final WebTestServer web = new WebTestServer(AuthMode.LOCAL_DEVELOPMENT);

  @AfterEach
  void stop() {
    web.close();
  }

  private HttpResponse<String> put(String path, String contentType, String body, String origin) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(web.uri(path))
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return web.send(request.build());
  }

  @Test
  void letsScriptsUseTheApiWithoutCredentials() {
    HttpResponse<String> saved =
        put(
            "/api/v1/configs/dev",
            "application/json",
            "{\"selector\":\"\",\"priority\":0,\"files\":{\"c.yaml\":\"a: 1\\n\"}}",
            null);

    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
    assertThat(web.fleet.configs.get("dev")).isPresent();
  }

  @Test
  void refusesAWriteFromAnotherSite() {
    HttpResponse<String> refused =
        put(
            "/api/v1/configs/evil",
            "application/json",
            "{\"selector\":\"\",\"priority\":0,\"files\":{\"c.yaml\":\"a: 1\\n\"}}",
            "http://attacker.example");

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(web.fleet.configs.get("evil")).isEmpty();
  }

  @Test
  void stillRequiresTheFormTokenForFormPosts() {
    HttpResponse<String> refused =
        put("/api/v1/configs/form", "application/x-www-form-urlencoded", "selector=", null);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(web.fleet.configs.get("form")).isEmpty();
  }
}
