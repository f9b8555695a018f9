/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.csr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.netty.handler.ssl.ClientAuth;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.client.BackoffPolicy;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.client.testing.FakeOpampServer;
import org.opampfleet.opamp.client.testing.OpampClientContract;
import org.opampfleet.opamp.client.testing.RecordingCallbacks;
import org.opampfleet.opamp.client.testing.TestCertificates;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatus;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatuses;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.TLSCertificate;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The CSR flow end to end (checklist 4.12): the client sends a request over TLS without a client
 * certificate, the fake server signs it with its test CA and offers the certificate without a
 * private key, and the client reconnects presenting it.
 */
class CertificateRequesterIT {

  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final TestCertificates CA = TestCertificates.create();

  private FakeOpampServer server;
  private OpampClient client;
  private final RecordingCallbacks callbacks = new RecordingCallbacks();

  @AfterEach
  void stop() {
    if (client != null) {
      client.stop();
    }
    if (server != null) {
      server.close();
    }
  }

  private InstanceUid startClient(Transport transport) throws Exception {
    server = FakeOpampServer.start(CA.serverContext(ClientAuth.OPTIONAL));
    InstanceUid uid = InstanceUid.generate();
    client =
        OpampClient.builder()
            .serverUri(server.uri(transport))
            .instanceUid(uid)
            .agentDescription(OpampClientContract.DESCRIPTION)
            .capabilities(
                EnumSet.of(
                    AgentCapability.ACCEPTS_OPAMP_CONNECTION_SETTINGS,
                    AgentCapability.REPORTS_CONNECTION_SETTINGS_STATUS))
            .callbacks(callbacks)
            .trustManager(CA.trustManager())
            .pollingInterval(Duration.ofMillis(200))
            .backoff(
                new BackoffPolicy(
                    Duration.ofMillis(100),
                    Duration.ofMillis(400),
                    Duration.ofMillis(100),
                    Duration.ofMillis(200)))
            .build();
    client.start();
    // The request waits until the server's capabilities are known (CR-01).
    await().atMost(AWAIT).until(() -> !server.received().isEmpty());
    return uid;
  }

  /** Makes the server answer a certificate request with an offer built by {@code issue}. */
  private void signRequests(Transport transport, CertificateIssuer issue) {
    server.decorate(
        (received, reply) -> {
          if (!received.message().hasConnectionSettingsRequest()) {
            return reply;
          }
          byte[] csr =
              received
                  .message()
                  .getConnectionSettingsRequest()
                  .getOpamp()
                  .getCertificateRequest()
                  .getCsr()
                  .toByteArray();
          try {
            return reply.toBuilder()
                .setConnectionSettings(
                    ConnectionSettingsOffers.newBuilder()
                        .setHash(ByteString.copyFromUtf8("csr-1"))
                        .setOpamp(
                            OpAMPConnectionSettings.newBuilder()
                                .setDestinationEndpoint(server.uri(transport).toString())
                                .setHeartbeatIntervalSeconds(30)
                                .setCertificate(
                                    // No private_key: the agent holds it (CR-07, A-05).
                                    TLSCertificate.newBuilder()
                                        .setCert(pem(issue.issue(csr)))
                                        .setCaCert(pem(CA.ca())))))
                .build();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void installsTheCertificateIssuedForItsRequest(Transport transport) throws Exception {
    // CR-04, CR-05, CR-07, CR-10, A-05, OC-06, OC-08
    InstanceUid uid = startClient(transport);
    signRequests(transport, CA::issue);

    SigningRequest request = CertificateRequester.create(client).request();

    request.sent().get();
    ConnectionSettingsStatus status = awaitFinalStatus();
    assertThat(status.getStatus())
        .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED);
    assertThat(server.clientCertificateSubjects()).contains("CN=" + uid);
    await()
        .atMost(AWAIT)
        .until(() -> callbacks.names().contains("onOpampConnectionSettingsApplied"));
    assertThat(server.received().get(0).hasConnectionSettingsRequest()).isFalse();
  }

  @Test
  void refusesACertificateThatDoesNotMatchItsKey() throws Exception {
    // a certificate without private_key must belong to the held key.
    startClient(Transport.WEBSOCKET);
    signRequests(
        Transport.WEBSOCKET,
        csr -> CA.issueClient("someone-else", TestCertificates.newKeyPair().getPublic()));

    CertificateRequester.create(client).request().sent().get();

    ConnectionSettingsStatus status = awaitFinalStatus();
    assertThat(status.getStatus())
        .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED);
    assertThat(status.getErrorMessage()).contains("does not match the key");
    assertThat(server.clientCertificateSubjects()).containsOnlyNulls();
  }

  private ConnectionSettingsStatus awaitFinalStatus() {
    await().atMost(AWAIT).until(() -> finalStatus().isPresent());
    return finalStatus().orElseThrow();
  }

  private Optional<ConnectionSettingsStatus> finalStatus() {
    return server.received().stream()
        .filter(AgentToServer::hasConnectionSettingsStatus)
        .map(AgentToServer::getConnectionSettingsStatus)
        .filter(
            status ->
                status.getStatus() == ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED
                    || status.getStatus()
                        == ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED)
        .findFirst();
  }

  private static ByteString pem(X509Certificate certificate) {
    return ByteString.copyFrom(TestCertificates.pem(certificate), StandardCharsets.US_ASCII);
  }

  /** Issues a certificate for a PEM request. */
  private interface CertificateIssuer {
    X509Certificate issue(byte[] csrPem) throws Exception;
  }
}
