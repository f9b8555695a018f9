/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.TransportKind;

/** TLS and mutual TLS from PEM files, and certificate reload without a restart. */
class NettyTransportTlsIT {
  @TempDir Path dir;
  private ServerFixture fixture;
  private final TestCertificates certificates;

  NettyTransportTlsIT() throws Exception {
    certificates = new TestCertificates();
  }

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static AgentToServer report() {
    return AgentToServer.newBuilder()
        .setInstanceUid(InstanceUid.generate().toByteString())
        .setSequenceNum(1)
        .setCapabilities(1)
        .build();
  }

  private URI uri(TransportKind kind) {
    String scheme = kind == TransportKind.WEBSOCKET ? "wss" : "https";
    return URI.create(
        scheme + "://127.0.0.1:" + fixture.transport.localAddress().getPort() + "/v1/opamp");
  }

  private TlsSettings writeServerFiles(TlsSettings.ClientAuth clientAuth) throws Exception {
    certificates.writePem(
        certificates.server(), dir.resolve("server.pem"), dir.resolve("server.key"));
    certificates.writeCaPem(dir.resolve("ca.pem"));
    return new TlsSettings(
        dir.resolve("server.pem"),
        dir.resolve("server.key"),
        clientAuth == TlsSettings.ClientAuth.NONE ? null : dir.resolve("ca.pem"),
        clientAuth);
  }

  @Test
  void servesWssAndHttps() throws Exception {
    TlsSettings tls = writeServerFiles(TlsSettings.ClientAuth.NONE);
    fixture = new ServerFixture(b -> b, b -> b.tls(tls));

    try (HttpTestAgent http =
            new HttpTestAgent(uri(TransportKind.HTTP), Map.of(), certificates.clientContext(null));
        WebSocketTestAgent ws =
            new WebSocketTestAgent(
                uri(TransportKind.WEBSOCKET), Map.of(), certificates.clientContext(null))) {
      assertThat(http.exchange(report()).hasErrorResponse()).isFalse();
      assertThat(ws.exchange(report()).hasErrorResponse()).isFalse();
    }
    assertThat(fixture.requests).allSatisfy(r -> assertThat(r.clientCertificates()).isEmpty());
  }

  @Test
  void passesTheAgentsClientCertificateToAdmission() throws Exception {
    TlsSettings tls = writeServerFiles(TlsSettings.ClientAuth.REQUIRE);
    fixture = new ServerFixture(b -> b, b -> b.tls(tls));
    TestCertificates.Issued client = certificates.issue("CN=agent-0193a6f0");

    try (WebSocketTestAgent ws =
        new WebSocketTestAgent(
            uri(TransportKind.WEBSOCKET), Map.of(), certificates.clientContext(client))) {
      ws.exchange(report());
    }

    X509Certificate presented = fixture.requests.get(0).clientCertificates().get(0);
    assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=agent-0193a6f0");
  }

  @Test
  void refusesAnAgentWithoutAClientCertificateWhenOneIsRequired() throws Exception {
    TlsSettings tls = writeServerFiles(TlsSettings.ClientAuth.REQUIRE);
    fixture = new ServerFixture(b -> b, b -> b.tls(tls));

    try (HttpTestAgent http =
        new HttpTestAgent(uri(TransportKind.HTTP), Map.of(), certificates.clientContext(null))) {
      assertThatThrownBy(() -> http.post(report())).isInstanceOf(java.io.IOException.class);
    }
    assertThat(fixture.requests).isEmpty();
  }

  @Test
  void usesRenewedCertificatesForNewConnectionsAfterAReload() throws Exception {
    TlsSettings tls = writeServerFiles(TlsSettings.ClientAuth.NONE);
    fixture = new ServerFixture(b -> b, b -> b.tls(tls));
    BigInteger before = serverSerial();

    certificates.writePem(
        certificates.server(), dir.resolve("server.pem"), dir.resolve("server.key"));
    fixture.transport.reloadCertificates();

    assertThat(serverSerial()).isNotEqualTo(before);
  }

  @Test
  void reloadsChangedCertificateFilesByItself() throws Exception {
    TlsSettings tls = writeServerFiles(TlsSettings.ClientAuth.NONE);
    fixture =
        new ServerFixture(
            b -> b, b -> b.tls(tls).certificateReloadInterval(Duration.ofMillis(100)));
    BigInteger before = serverSerial();

    certificates.writePem(
        certificates.server(), dir.resolve("server.pem"), dir.resolve("server.key"));
    Files.setLastModifiedTime(
        dir.resolve("server.pem"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));

    await().atMost(Duration.ofSeconds(10)).until(() -> !serverSerial().equals(before));
  }

  @Test
  void keepsTheCurrentCertificateWhenTheNewFilesAreBroken() throws Exception {
    TlsSettings tls = writeServerFiles(TlsSettings.ClientAuth.NONE);
    fixture = new ServerFixture(b -> b, b -> b.tls(tls));
    BigInteger before = serverSerial();

    Files.writeString(dir.resolve("server.key"), "not a key");

    assertThatThrownBy(fixture.transport::reloadCertificates)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("server.pem").toString());
    assertThat(serverSerial()).isEqualTo(before);
  }

  @Test
  void namesTheMissingFileAtStart() {
    TlsSettings tls = TlsSettings.of(dir.resolve("missing.pem"), dir.resolve("missing.key"));

    assertThatThrownBy(() -> new ServerFixture(b -> b, b -> b.tls(tls)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TLS certificate chain file "
                + dir.resolve("missing.pem")
                + " does not exist or cannot be read");
  }

  private BigInteger serverSerial() throws Exception {
    // A new client per call: a new connection, so the current certificate is presented.
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(certificates.clientContext(null))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(uri(TransportKind.HTTP))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(report().toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }
}
