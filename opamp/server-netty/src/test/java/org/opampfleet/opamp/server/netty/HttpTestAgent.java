/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;

/** A plain-HTTP test agent on the JDK HTTP client. */
final class HttpTestAgent implements TestAgent {
  private final HttpClient client;
  private final URI uri;
  private final Map<String, String> headers;

  HttpTestAgent(URI uri, Map<String, String> headers, SSLContext sslContext) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    this.client = builder.build();
    this.uri = uri;
    this.headers = headers;
  }

  HttpTestAgent(URI uri) {
    this(uri, Map.of(), null);
  }

  /** Posts raw bytes with the given content type and encoding; returns the raw response. */
  HttpResponse<byte[]> post(byte[] body, String contentType, String contentEncoding)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .header("Accept-Encoding", "gzip");
    if (contentEncoding != null) {
      request.header("Content-Encoding", contentEncoding);
    }
    headers.forEach(request::header);
    return client.send(
        request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> post(AgentToServer message) throws Exception {
    return post(message.toByteArray(), "application/x-protobuf", null);
  }

  static byte[] body(HttpResponse<byte[]> response) throws IOException {
    if (response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
        return in.readAllBytes();
      }
    }
    return response.body();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  @Override
  public ServerToAgent exchange(AgentToServer message) throws Exception {
    HttpResponse<byte[]> response = post(message);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "HTTP "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    return ServerToAgent.parseFrom(body(response));
  }

  @Override
  public ServerToAgent nextFromServer(AgentToServer poll, Duration timeout) throws Exception {
    return exchange(poll);
  }

  @Override
  public void close() {}
}
