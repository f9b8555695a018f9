/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.netty.handler.ssl.ClientAuth;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.client.BackoffPolicy;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.OpampClientBuilder;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.client.internal.TlsContexts;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatuses;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.TLSCertificate;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** TLS, mutual TLS, server-offered client certificates and an HTTP CONNECT proxy. */
class TlsAndProxyIT {

  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final TestCertificates CERTIFICATES = TestCertificates.create();

  private FakeOpampServer server;
  private FakeConnectProxy proxy;
  private final List<OpampClient> clients = new ArrayList<>();
  private final RecordingCallbacks callbacks = new RecordingCallbacks();

  @AfterEach
  void stop() {
    clients.forEach(OpampClient::stop);
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private OpampClientBuilder client(Transport transport) throws Exception {
    return OpampClient.builder()
        .serverUri(server.uri(transport))
        .instanceUid(InstanceUid.generate())
        .agentDescription(OpampClientContract.DESCRIPTION)
        .capabilities(
            EnumSet.of(
                AgentCapability.ACCEPTS_OPAMP_CONNECTION_SETTINGS,
                AgentCapability.REPORTS_CONNECTION_SETTINGS_STATUS))
        .callbacks(callbacks)
        .pollingInterval(Duration.ofMillis(200))
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(2))
        .backoff(
            new BackoffPolicy(
                Duration.ofMillis(200),
                Duration.ofMillis(400),
                Duration.ofMillis(100),
                Duration.ofMillis(200)))
        .trustManager(trustCa());
  }

  private OpampClient started(OpampClientBuilder builder) {
    OpampClient client = builder.build();
    clients.add(client);
    client.start();
    return client;
  }

  private static X509TrustManager trustCa() throws Exception {
    return TlsContexts.trustManager(List.of(CERTIFICATES.ca()), false);
  }

  private static X509KeyManager clientKeys(String name) throws Exception {
    KeyPair keys = TestCertificates.newKeyPair();
    X509Certificate certificate = CERTIFICATES.issueClient(name, keys.getPublic());
    return TlsContexts.keyManager(keys.getPrivate(), List.of(certificate));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectsOverTlsVerifyingTheServer(Transport transport) throws Exception {
    // Section 2.1: wss and https, server verified with the configured trust (CR-03).
    server = FakeOpampServer.start(CERTIFICATES.serverContext(ClientAuth.NONE));
    started(client(transport));

    await().atMost(AWAIT).until(() -> !server.received().isEmpty());
    assertThat(server.uri(transport).getScheme()).endsWith("s");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void refusesAServerItDoesNotTrust(Transport transport) throws Exception {
    server = FakeOpampServer.start(CERTIFICATES.serverContext(ClientAuth.NONE));
    started(
        client(transport)
            .trustManager(
                TlsContexts.trustManager(List.of(TestCertificates.create().ca()), false)));

    await().atMost(AWAIT).until(() -> callbacks.events("onConnectFailed").size() >= 2);
    assertThat(server.received()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void presentsItsClientCertificateForMutualTls(Transport transport) throws Exception {
    server = FakeOpampServer.start(CERTIFICATES.serverContext(ClientAuth.REQUIRE));
    started(client(transport).keyManager(clientKeys("agent-1")));

    await().atMost(AWAIT).until(() -> !server.received().isEmpty());
    assertThat(server.clientCertificateSubjects().get(0)).isEqualTo("CN=agent-1");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void installsAClientCertificateTheServerOffers(Transport transport) throws Exception {
    // CS-07, OC-04 to OC-08, TF-04: registration on first use with a server-issued certificate.
    server = FakeOpampServer.start(CERTIFICATES.serverContext(ClientAuth.OPTIONAL));
    InstanceUid uid = InstanceUid.generate();
    started(client(transport).instanceUid(uid));
    await().atMost(AWAIT).until(() -> !server.received().isEmpty());
    assertThat(server.clientCertificateSubjects().get(0)).isNull();
    KeyPair keys = TestCertificates.newKeyPair();
    X509Certificate issued = CERTIFICATES.issueClient("agent-" + uid, keys.getPublic());

    server.send(
        uid,
        ServerToAgent.newBuilder()
            .setConnectionSettings(
                ConnectionSettingsOffers.newBuilder()
                    .setHash(ByteString.copyFromUtf8("cert-1"))
                    .setOpamp(
                        OpAMPConnectionSettings.newBuilder()
                            .setDestinationEndpoint(server.uri(transport).toString())
                            .setHeartbeatIntervalSeconds(30)
                            .setCertificate(
                                TLSCertificate.newBuilder()
                                    .setCert(bytes(TestCertificates.pem(issued)))
                                    .setPrivateKey(bytes(TestCertificates.pem(keys.getPrivate())))
                                    .setCaCert(bytes(TestCertificates.pem(CERTIFICATES.ca()))))))
            .build());

    await()
        .atMost(AWAIT)
        .until(
            () ->
                server.received().stream()
                    .anyMatch(
                        message ->
                            message.getConnectionSettingsStatus().getStatus()
                                == ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED));
    List<AgentToServer> received = server.received();
    int applied =
        received.indexOf(
            received.stream()
                .filter(
                    message ->
                        message.getConnectionSettingsStatus().getStatus()
                            == ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED)
                .findFirst()
                .orElseThrow());
    assertThat(server.clientCertificateSubjects().get(applied)).isEqualTo("CN=agent-" + uid);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void tunnelsThroughAnHttpConnectProxy(Transport transport) throws Exception {
    // CS-12: the proxy gets a CONNECT for the server, then relays TLS end to end.
    server = FakeOpampServer.start(CERTIFICATES.serverContext(ClientAuth.NONE));
    proxy = FakeConnectProxy.start();
    started(client(transport).proxy(proxy.address()));

    await().atMost(AWAIT).until(() -> !server.received().isEmpty());
    assertThat(proxy.targets()).contains("127.0.0.1:" + server.port());
    assertThat(proxy.targets()).allMatch(Objects::nonNull);
  }

  private static ByteString bytes(String pem) {
    return ByteString.copyFrom(pem, StandardCharsets.US_ASCII);
  }
}
