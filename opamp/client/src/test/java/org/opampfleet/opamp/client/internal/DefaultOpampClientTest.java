/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.client.ConnectionState;
import org.opampfleet.opamp.client.TelemetrySignal;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.client.packages.PackageSyncer;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentIdentification;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.CertificateRequest;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.ConnectionSettingsRequest;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatus;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatuses;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettingsRequest;
import org.opampfleet.opamp.protocol.OtherConnectionSettings;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.PackagesAvailable;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.RetryInfo;
import org.opampfleet.opamp.protocol.ServerErrorResponse;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.protocol.wire.ServerToAgentFlag;

/**
 * The client's protocol behaviour, driven on virtual time through fake channels: no sockets, no
 * sleeps. Checklist IDs name the rule each test checks.
 */
class DefaultOpampClientTest {

  private static final ComponentHealth HEALTHY =
      ComponentHealth.newBuilder().setHealthy(true).setStartTimeUnixNano(1).build();
  private static final ComponentHealth UNHEALTHY =
      HEALTHY.toBuilder().setHealthy(false).setLastError("exporter down").build();

  // --- Status reporting -------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void sendsTheWholeStateInTheFirstMessageAfterConnecting(Transport transport) {
    // ST-01, GEN-02, GEN-03, ST-11
    Harness harness = new Harness(transport);
    harness.capabilities = EnumSet.of(AgentCapability.REPORTS_EFFECTIVE_CONFIG);
    harness.effectiveConfig = () -> effectiveConfig("a: 1");
    harness.start();

    assertThat(harness.sent()).hasSize(1);
    AgentToServer first = harness.sent().get(0);
    assertThat(first.getSequenceNum()).isEqualTo(1);
    assertThat(first.getInstanceUid()).isEqualTo(harness.uid.toByteString());
    assertThat(AgentCapability.BITMASK.toSet(first.getCapabilities()))
        .contains(AgentCapability.REPORTS_STATUS, AgentCapability.REPORTS_EFFECTIVE_CONFIG);
    assertThat(first.getAgentDescription()).isEqualTo(Harness.DESCRIPTION);
    assertThat(first.getEffectiveConfig()).isEqualTo(effectiveConfig("a: 1"));
    assertThat(harness.client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void sendsOnlyChangedPartsWholeAndNothingWhenNothingChanged(Transport transport) {
    // ST-08, ST-11, ST-12, ST-13, ST-14
    Harness harness = new Harness(transport);
    harness.start();
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();
    harness.client.setHealth(UNHEALTHY);
    harness.runUntilIdle();

    assertThat(harness.sent()).hasSize(3);
    AgentToServer second = harness.sent().get(1);
    assertThat(second.getSequenceNum()).isEqualTo(2);
    assertThat(second.getHealth()).isEqualTo(HEALTHY);
    assertThat(second.hasAgentDescription()).isFalse();
    assertThat(second.hasEffectiveConfig()).isFalse();
    AgentToServer third = harness.sent().get(2);
    assertThat(third.getSequenceNum()).isEqualTo(3);
    assertThat(third.getHealth()).isEqualTo(UNHEALTHY);
    assertThat(third.getCapabilities()).isEqualTo(second.getCapabilities());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void sendsEveryStatusPartAgainWhenTheServerAsksForTheFullState(Transport transport) {
    // ST-17, P-08, CU-07
    Harness harness = new Harness(transport);
    harness.start();
    setEveryPart(harness.client);
    harness.runUntilIdle();
    int before = harness.sent().size();

    harness.serverSends(
        ServerToAgent.newBuilder()
            .setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit())
            .setCapabilities(ServerCapability.BITMASK.knownBits())
            .build());

    AgentToServer full = harness.sent().get(before + (transport == Transport.HTTP ? 1 : 0));
    assertThat(full.hasAgentDescription()).isTrue();
    assertThat(full.hasHealth()).isTrue();
    assertThat(full.hasEffectiveConfig()).isTrue();
    assertThat(full.hasRemoteConfigStatus()).isTrue();
    assertThat(full.hasPackageStatuses()).isTrue();
    assertThat(full.hasCustomCapabilities()).isTrue();
    assertThat(full.hasAvailableComponents()).isTrue();
    assertThat(full.hasConnectionSettingsStatus()).isTrue();
    // The full report is one message; nothing follows it while nothing changes (ST-08).
    assertThat(harness.sent()).hasSize(before + (transport == Transport.HTTP ? 2 : 1));
  }

  @Test
  void leavesOutPartsWhoseCapabilityIsNotDeclared() {
    // HL-01, RC-08, PK-24, AV-01, CS-05, GEN-02
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.capabilities = EnumSet.noneOf(AgentCapability.class);
    harness.heartbeatInterval = Duration.ZERO;
    harness.start();
    setEveryPart(harness.client);
    harness.runUntilIdle();

    AgentToServer last = harness.channels.lastSent();
    assertThat(last.hasHealth()).isFalse();
    assertThat(last.hasRemoteConfigStatus()).isFalse();
    assertThat(last.hasPackageStatuses()).isFalse();
    assertThat(last.hasAvailableComponents()).isFalse();
    assertThat(last.hasConnectionSettingsStatus()).isFalse();
    assertThat(last.getAgentDescription().getNonIdentifyingAttributesCount()).isEqualTo(1);
    assertThat(last.hasCustomCapabilities()).isTrue();
  }

  @Test
  void stopsSendingPartsTheServerDoesNotAccept() {
    // GEN-07: effective config and package statuses only to a server that accepts them.
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.serverSends(
        ServerToAgent.newBuilder().setCapabilities(ServerCapability.ACCEPTS_STATUS.bit()).build());
    harness.client.setPackageStatuses(PackageStatuses.newBuilder().setErrorMessage("x").build());
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();

    assertThat(harness.channels.lastSent().hasHealth()).isTrue();
    assertThat(harness.channels.lastSent().hasPackageStatuses()).isFalse();
  }

  @Test
  void reportsChangedCapabilitiesAndAlwaysKeepsReportsStatus() {
    // GEN-08, GEN-03
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.client.setCapabilities(EnumSet.of(AgentCapability.ACCEPTS_REMOTE_CONFIG));
    harness.runUntilIdle();

    assertThat(harness.sent()).hasSize(2);
    assertThat(AgentCapability.BITMASK.toSet(harness.channels.lastSent().getCapabilities()))
        .containsExactlyInAnyOrder(
            AgentCapability.REPORTS_STATUS, AgentCapability.ACCEPTS_REMOTE_CONFIG);
  }

  @Test
  void rereadsTheEffectiveConfigWhenAskedAndReportsOnlyAChange() {
    // EC-02
    Harness harness = new Harness(Transport.WEBSOCKET);
    String[] config = {"a: 1"};
    harness.effectiveConfig = () -> effectiveConfig(config[0]);
    harness.start();
    harness.client.updateEffectiveConfig();
    harness.runUntilIdle();
    config[0] = "a: 2";
    harness.client.updateEffectiveConfig();
    harness.runUntilIdle();

    assertThat(harness.sent()).hasSize(2);
    assertThat(harness.channels.lastSent().getEffectiveConfig()).isEqualTo(effectiveConfig("a: 2"));
  }

  @Test
  void reportsTheComponentsHashUntilTheServerAsksForTheMap() {
    // AV-03, AV-04, AV-06
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    AvailableComponents components =
        AvailableComponents.newBuilder()
            .setHash(ByteString.copyFromUtf8("h1"))
            .putComponents("receiver/otlp", ComponentDetails.getDefaultInstance())
            .build();
    harness.client.setAvailableComponents(components);
    harness.runUntilIdle();
    AgentToServer hashOnly = harness.channels.lastSent();
    // Same hash, different details: not a change (AV-06).
    harness.client.setAvailableComponents(
        components.toBuilder().putComponents("x", ComponentDetails.getDefaultInstance()).build());
    harness.runUntilIdle();
    int afterSameHash = harness.sent().size();
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setFlags(ServerToAgentFlag.REPORT_AVAILABLE_COMPONENTS.bit())
            .build());

    assertThat(hashOnly.getAvailableComponents().getHash().toStringUtf8()).isEqualTo("h1");
    assertThat(hashOnly.getAvailableComponents().getComponentsMap()).isEmpty();
    assertThat(afterSameHash).isEqualTo(2);
    assertThat(harness.channels.lastSent().getAvailableComponents().getComponentsMap())
        .containsKeys("receiver/otlp", "x");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void neverSendsAMessageLargerThanTheLimitAndKeepsNumbering(Transport transport) {
    // WS-L5, HT-L5, ST-11
    Harness harness = new Harness(transport);
    harness.limits = new MessageLimits(400);
    harness.start();
    harness.client.setAgentDescription(description("x".repeat(1000)));
    harness.runUntilIdle();
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();

    assertThat(harness.sent()).hasSize(2);
    assertThat(harness.sent().get(1).getSequenceNum()).isEqualTo(2);
    assertThat(harness.sent().get(1).hasAgentDescription()).isFalse();
  }

  // --- Heartbeats and polling -------------------------------------------------------------------

  @Test
  void sendsHeartbeatsCountedFromTheLastMessageSent() {
    // HB-01, HB-04, HB-05, HB-08
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.advance(Duration.ofSeconds(20));
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();
    harness.advance(Duration.ofSeconds(29));
    int beforeDue = harness.sent().size();
    harness.advance(Duration.ofSeconds(1));

    assertThat(beforeDue).isEqualTo(2);
    assertThat(harness.sent()).hasSize(3);
    AgentToServer heartbeat = harness.sent().get(2);
    assertThat(heartbeat.getInstanceUid()).isEqualTo(harness.uid.toByteString());
    assertThat(heartbeat.getSequenceNum()).isEqualTo(3);
    assertThat(heartbeat.getCapabilities()).isNotZero();
    assertThat(heartbeat.hasHealth()).isFalse();
    assertThat(heartbeat.hasAgentDescription()).isFalse();
  }

  @Test
  void usesTheHeartbeatIntervalTheServerOffersAndZeroDisablesWebSocketHeartbeats() {
    // HB-02, HB-03, A-15
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.serverSends(heartbeatOffer(5, "h5"));
    int afterOffer = harness.sent().size();
    harness.advance(Duration.ofSeconds(5));
    int afterFive = harness.sent().size();
    harness.serverSends(heartbeatOffer(0, "h0"));
    int afterZero = harness.sent().size();
    harness.advance(Duration.ofMinutes(10));

    assertThat(afterFive).isEqualTo(afterOffer + 1);
    assertThat(harness.sent()).hasSize(afterZero);
    // The interval-only offer needed no reconnection.
    assertThat(harness.channels.created).hasSize(1);
  }

  @Test
  void pollsAtTheOfferedIntervalAndNeverStopsPollingWhenOfferedZero() {
    // HB-09, HT-07, HT-08, P-17, A-01
    Harness harness = new Harness(Transport.HTTP);
    harness.pollingInterval = Duration.ofSeconds(30);
    harness.start();
    harness.serverSends(heartbeatOffer(7, "h7"));
    int afterOffer = harness.sent().size();
    harness.advance(Duration.ofSeconds(21));
    int afterThreePolls = harness.sent().size();
    harness.serverSends(heartbeatOffer(0, "h0"));
    int afterZero = harness.sent().size();
    harness.advance(Duration.ofSeconds(90));

    assertThat(afterThreePolls).isEqualTo(afterOffer + 3);
    assertThat(harness.sent().size()).isEqualTo(afterZero + 3);
    AgentToServer poll = harness.channels.lastSent();
    assertThat(poll.getInstanceUid()).isEqualTo(harness.uid.toByteString());
    assertThat(poll.hasAgentDescription()).isFalse();
  }

  @Test
  void neverHasTwoHttpRequestsOutstanding() {
    // HT-09
    Harness harness = new Harness(Transport.HTTP);
    List<CompletableFuture<Optional<ServerToAgent>>> answers = new ArrayList<>();
    harness.channels.responder =
        message -> {
          CompletableFuture<Optional<ServerToAgent>> answer = new CompletableFuture<>();
          answers.add(answer);
          return answer;
        };
    harness.start();
    harness.client.setHealth(HEALTHY);
    harness.advance(Duration.ofMinutes(2));
    int whileWaiting = harness.sent().size();
    answers.get(0).complete(Optional.of(harness.channels.defaultReply));
    harness.runUntilIdle();

    assertThat(whileWaiting).isEqualTo(1);
    assertThat(harness.sent()).hasSize(2);
    assertThat(harness.sent().get(1).getHealth()).isEqualTo(HEALTHY);
  }

  // --- Retries and backoff ----------------------------------------------------------------------

  @Test
  void retriesWithGrowingJitteredDelaysAndSendsNothingWhileWaiting() {
    // ER-08, HB-10
    Harness harness = new Harness(Transport.WEBSOCKET);
    for (int i = 0; i < 6; i++) {
      harness.channels.openFailures.add(unreachable());
    }
    harness.start();
    harness.advance(Duration.ofMinutes(5));

    List<Duration> attempts = harness.channels.createdAt.subList(0, 7);
    for (int n = 1; n < attempts.size(); n++) {
      Duration gap = attempts.get(n).minus(attempts.get(n - 1));
      long upperMillis = Math.min(60_000, 1000L << (n - 1));
      assertThat(gap.toMillis()).as("gap %d", n).isBetween(500L, upperMillis);
    }
    // Only the successful seventh attempt sent anything.
    assertThat(harness.channels.created.subList(0, 6))
        .allSatisfy(channel -> assertThat(channel.messages).isEmpty());
    assertThat(harness.channels.created.get(6).messages).isNotEmpty();
    assertThat(harness.callbacks.events("onConnectFailed")).hasSize(6);
  }

  @Test
  void retriesOnlyAFewTimesPerMinuteWhileTheServerStaysDown() {
    // ER-08, P-15: with the default policy an unreachable server sees few attempts, not a loop.
    Harness harness = new Harness(Transport.HTTP);
    harness.backoff = org.opampfleet.opamp.client.BackoffPolicy.defaults();
    for (int i = 0; i < 1000; i++) {
      harness.channels.openFailures.add(unreachable());
    }
    harness.start();
    harness.advance(Duration.ofMinutes(1));
    int firstMinute = harness.channels.created.size();
    harness.advance(Duration.ofMinutes(10));
    int nextTenMinutes = harness.channels.created.size() - firstMinute;

    assertThat(firstMinute).isBetween(5, 12);
    assertThat(nextTenMinutes).isLessThanOrEqualTo(25);
    assertThat(harness.sent()).isEmpty();
  }

  @Test
  void reconnectsWithinTheJitterAfterLosingAWorkingConnection() {
    // WS-13
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.serverSends(ServerToAgent.getDefaultInstance());
    harness.channel().lose(new java.io.IOException("reset"));
    harness.runUntilIdle();

    assertThat(harness.client.connectionState()).isEqualTo(ConnectionState.WAITING_TO_RECONNECT);
    harness.advance(Duration.ofSeconds(5));
    assertThat(harness.channels.created).hasSize(2);
    assertThat(harness.callbacks.names()).contains("onConnectionLost");
    assertThat(harness.client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void waitsWhatRetryAfterSaysButNeverLessThanTheThrottlingMinimum() {
    // ER-06, ER-07
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.channels.openFailures.add(
        ExchangeFailure.httpStatus(503, Optional.of(Duration.ofSeconds(5)), "503"));
    harness.channels.openFailures.add(
        ExchangeFailure.httpStatus(429, Optional.of(Duration.ofSeconds(120)), "429"));
    harness.start();
    harness.advance(Duration.ofMinutes(5));

    List<Duration> attempts = harness.channels.createdAt;
    assertThat(attempts).hasSize(3);
    assertThat(attempts.get(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(attempts.get(2).minus(attempts.get(1))).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void disconnectsAndWaitsTheRetryInfoWhenTheServerIsUnavailable() {
    // ER-05, WS-14, DC-02
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    FakeChannels.FakeChannel first = harness.channel();
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setErrorResponse(
                ServerErrorResponse.newBuilder()
                    .setType(ServerErrorResponseType.ServerErrorResponseType_Unavailable)
                    .setRetryInfo(RetryInfo.newBuilder().setRetryAfterNanoseconds(45_000_000_000L)))
            .build());

    assertThat(first.messages.get(first.messages.size() - 1).hasAgentDisconnect()).isTrue();
    assertThat(first.closed).isTrue();
    assertThat(harness.callbacks.names()).contains("onServerError");
    harness.advance(Duration.ofSeconds(44));
    assertThat(harness.channels.created).hasSize(1);
    harness.advance(Duration.ofSeconds(1));
    assertThat(harness.channels.created).hasSize(2);
  }

  @Test
  void retriesAnHttpMessageAnsweredUnavailableAfterTheRetryInfo() {
    // ER-05, ER-09, ST-18
    Harness harness = new Harness(Transport.HTTP);
    harness.start();
    harness.channels.responder =
        message ->
            CompletableFuture.completedFuture(
                Optional.of(
                    ServerToAgent.newBuilder()
                        .setErrorResponse(
                            ServerErrorResponse.newBuilder()
                                .setType(
                                    ServerErrorResponseType.ServerErrorResponseType_Unavailable)
                                .setRetryInfo(
                                    RetryInfo.newBuilder()
                                        .setRetryAfterNanoseconds(40_000_000_000L)))
                        .build()));
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();
    harness.channels.responder = null;
    harness.advance(Duration.ofSeconds(39));
    int beforeRetry = harness.sent().size();
    harness.advance(Duration.ofSeconds(1));

    assertThat(beforeRetry).isEqualTo(2);
    assertThat(harness.sent()).hasSize(3);
    assertThat(harness.channels.lastSent().getHealth()).isEqualTo(HEALTHY);
  }

  @Test
  void doesNotResendAMessageTheServerCalledABadRequest() {
    // ER-02
    Harness harness = new Harness(Transport.HTTP);
    harness.start();
    harness.channels.responder =
        message ->
            CompletableFuture.completedFuture(
                Optional.of(
                    ServerToAgent.newBuilder()
                        .setErrorResponse(
                            ServerErrorResponse.newBuilder()
                                .setType(ServerErrorResponseType.ServerErrorResponseType_BadRequest)
                                .setErrorMessage("bad health"))
                        .build()));
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();
    harness.channels.responder = null;
    harness.advance(Duration.ofSeconds(30));

    assertThat(harness.sent()).hasSize(3);
    assertThat(harness.channels.lastSent().hasHealth()).isFalse();
    assertThat(harness.callbacks.events("onServerError")).hasSize(1);
  }

  @Test
  void sendsTheFullStateAfterAFailedHttpRequest() {
    // A-06, ER-11: nothing is lost when a request fails.
    Harness harness = new Harness(Transport.HTTP);
    harness.start();
    harness.channels.responder = message -> CompletableFuture.failedFuture(unreachable());
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();
    harness.channels.responder = null;
    harness.advance(Duration.ofSeconds(2));

    AgentToServer retry = harness.channels.lastSent();
    assertThat(retry.getHealth()).isEqualTo(HEALTHY);
    assertThat(retry.hasAgentDescription()).isTrue();
    assertThat(retry.getSequenceNum()).isEqualTo(3);
  }

  @Test
  void dropsAnHttpMessageTheServerRefusedAsTooLarge() {
    // HT-L2: a 413 is not retried.
    Harness harness = new Harness(Transport.HTTP);
    harness.start();
    harness.channels.responder =
        message ->
            CompletableFuture.failedFuture(
                ExchangeFailure.httpStatus(413, Optional.empty(), "413"));
    harness.client.setHealth(HEALTHY);
    harness.runUntilIdle();
    harness.channels.responder = null;
    harness.advance(Duration.ofSeconds(30));

    assertThat(harness.sent()).hasSize(3);
    assertThat(harness.channels.lastSent().hasHealth()).isFalse();
    assertThat(harness.channels.created).hasSize(1);
  }

  @Test
  void treatsAMissingReplyAsALostConnection() {
    // ST-04, ER-09: the server answers every message; silence means the connection is dead.
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.requestTimeout = Duration.ofSeconds(10);
    harness.channels.webSocketReply = null;
    harness.start();
    harness.advance(Duration.ofSeconds(10));

    assertThat(harness.callbacks.names()).contains("onConnectionLost");
    assertThat(harness.channels.created.get(0).closed).isTrue();
  }

  // --- Server messages to callbacks --------------------------------------------------------------

  @Test
  void deliversEachPartOfAServerMessageToItsCallbackInOrder() {
    // ST-07, GEN-09, CS-03, OT-08, CU-05
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.client.setCustomCapabilities(
        CustomCapabilities.newBuilder().addCapabilities("io.example.echo").build());
    harness.runUntilIdle();
    ConnectionSettingsOffers offers =
        ConnectionSettingsOffers.newBuilder()
            .setHash(ByteString.copyFromUtf8("cs1"))
            .setOwnMetrics(telemetry("https://otlp.example/v1/metrics"))
            .setOwnLogs(telemetry("https://otlp.example/v1/logs"))
            .putOtherConnections(
                "exporter/a",
                OtherConnectionSettings.newBuilder().setDestinationEndpoint("a:4317").build())
            .build();
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setRemoteConfig(remoteConfig("c1"))
            .setConnectionSettings(offers)
            .setPackagesAvailable(
                PackagesAvailable.newBuilder().setAllPackagesHash(ByteString.copyFromUtf8("p")))
            .setCustomCapabilities(CustomCapabilities.newBuilder().addCapabilities("io.srv.x"))
            .setCustomMessage(
                CustomMessage.newBuilder().setCapability("io.example.echo").setType("ping"))
            .build());
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setCustomMessage(CustomMessage.newBuilder().setCapability("io.other").setType("x"))
            .build());

    assertThat(harness.callbacks.names())
        .containsSubsequence(
            "onConnected",
            "onRemoteConfig",
            "onOwnTelemetryConnectionSettings",
            "onOwnTelemetryConnectionSettings",
            "onOtherConnectionSettings",
            "onPackagesAvailable",
            "onCustomCapabilities",
            "onCustomMessage");
    assertThat(harness.callbacks.events("onOwnTelemetryConnectionSettings"))
        .extracting(event -> event.arguments().get(0))
        .containsExactly(TelemetrySignal.METRICS, TelemetrySignal.LOGS);
    assertThat(harness.callbacks.events("onCustomMessage")).hasSize(1);
    // The telemetry and other settings were accepted: APPLIED with the offer's hash (CS-05).
    ConnectionSettingsStatus status = harness.channels.lastSent().getConnectionSettingsStatus();
    assertThat(status.getStatus())
        .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED);
    assertThat(status.getLastConnectionSettingsHash().toStringUtf8()).isEqualTo("cs1");
    assertThat(harness.callbacks.overlapped()).isFalse();
  }

  @Test
  void ignoresPartsForCapabilitiesTheAgentDidNotDeclare() {
    // GEN-09, CM-04
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.capabilities = EnumSet.noneOf(AgentCapability.class);
    harness.start();
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setRemoteConfig(remoteConfig("c1"))
            .setConnectionSettings(
                ConnectionSettingsOffers.newBuilder()
                    .setHash(ByteString.copyFromUtf8("h"))
                    .setOpamp(
                        OpAMPConnectionSettings.newBuilder()
                            .setDestinationEndpoint("ws://elsewhere:1/v1/opamp"))
                    .setOwnTraces(telemetry("https://otlp.example/v1/traces"))
                    .putOtherConnections("x", OtherConnectionSettings.getDefaultInstance()))
            .setPackagesAvailable(PackagesAvailable.getDefaultInstance())
            .build());
    harness.serverSends(
        ServerToAgent.newBuilder().setCommand(ServerToAgentCommand.getDefaultInstance()).build());

    assertThat(harness.callbacks.names()).containsExactly("onConnected");
    assertThat(harness.channels.created).hasSize(1);
  }

  @Test
  void deliversACommandAloneIgnoringEveryOtherField() {
    // CM-03, CM-05, P-06, P-12
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setCommand(ServerToAgentCommand.getDefaultInstance())
            .setRemoteConfig(remoteConfig("c1"))
            .setFlags(ServerToAgentFlag.REPORT_FULL_STATE.bit())
            .build());

    assertThat(harness.callbacks.names()).containsExactly("onConnected", "onCommand");
    // ReportFullState was ignored too: nothing was sent after the first message.
    assertThat(harness.sent()).hasSize(1);
  }

  @Test
  void adoptsANewInstanceUidEverywhereAndStopsRequestingOne() {
    // UID-04, UID-07, FL-01
    Harness harness = new Harness(Transport.HTTP);
    harness.flags = EnumSet.of(AgentToServerFlag.REQUEST_INSTANCE_UID);
    harness.start();
    InstanceUid assigned = InstanceUid.of(0x0193a6f07b2c7d4eL, 0x1111111111111111L);
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setInstanceUid(harness.uid.toByteString())
            .setAgentIdentification(
                AgentIdentification.newBuilder().setNewInstanceUid(assigned.toByteString()))
            .build());

    assertThat(harness.sent().get(0).getFlags())
        .isEqualTo(AgentToServerFlag.REQUEST_INSTANCE_UID.bit());
    AgentToServer after = harness.channels.lastSent();
    assertThat(after.getInstanceUid()).isEqualTo(assigned.toByteString());
    assertThat(after.getFlags()).isZero();
    assertThat(harness.client.instanceUid()).isEqualTo(assigned);
    assertThat(harness.callbacks.events("onNewInstanceUid").get(0).argument()).isEqualTo(assigned);
    // Messages still addressed to the previous id are accepted.
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setInstanceUid(harness.uid.toByteString())
            .setRemoteConfig(remoteConfig("c1"))
            .build());
    assertThat(harness.callbacks.names()).contains("onRemoteConfig");
  }

  @Test
  void ignoresANewInstanceUidThatIsNotSixteenBytes() {
    // UID-02, UID-07
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setAgentIdentification(
                AgentIdentification.newBuilder()
                    .setNewInstanceUid(ByteString.copyFromUtf8("01ARZ3NDEKTSV4RRFFQ69G5FAV")))
            .build());

    assertThat(harness.client.instanceUid()).isEqualTo(harness.uid);
    assertThat(harness.callbacks.names()).doesNotContain("onNewInstanceUid");
  }

  @Test
  void ignoresMessagesAddressedToAnotherInstance() {
    //
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setInstanceUid(InstanceUid.of(1, 2).toByteString())
            .setRemoteConfig(remoteConfig("c1"))
            .build());

    assertThat(harness.callbacks.names()).doesNotContain("onRemoteConfig");
  }

  @Test
  void sendsCustomMessagesOneAtATimeInOrderOnlyForAnnouncedCapabilities() {
    // CU-04, CU-06
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    assertThatThrownBy(
            () ->
                harness.client.sendCustomMessage(
                    CustomMessage.newBuilder().setCapability("io.example.echo").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("io.example.echo")
        .hasMessageContaining("setCustomCapabilities");
    harness.client.setCustomCapabilities(
        CustomCapabilities.newBuilder().addCapabilities("io.example.echo").build());
    CompletableFuture<Void> first =
        harness.client.sendCustomMessage(
            CustomMessage.newBuilder().setCapability("io.example.echo").setType("a").build());
    CompletableFuture<Void> second =
        harness.client.sendCustomMessage(
            CustomMessage.newBuilder().setCapability("io.example.echo").setType("b").build());
    harness.runUntilIdle();

    assertThat(first).isCompleted();
    assertThat(second).isCompleted();
    assertThat(harness.sent())
        .filteredOn(AgentToServer::hasCustomMessage)
        .extracting(message -> message.getCustomMessage().getType())
        .containsExactly("a", "b");
  }

  @Test
  void syncsPackagesOneOfferAtATimeWithTheLatestOfferWinning() {
    // ST-18 applied to package offers; PK-16 statuses come from the syncer.
    Harness harness = new Harness(Transport.WEBSOCKET);
    List<String> synced = new ArrayList<>();
    List<CompletableFuture<Void>> running = new ArrayList<>();
    harness.packageSyncer =
        new PackageSyncer() {
          @Override
          public PackageStatuses statuses() {
            return PackageStatuses.newBuilder().setErrorMessage("initial").build();
          }

          @Override
          public CompletableFuture<Void> sync(
              PackagesAvailable offer, Consumer<PackageStatuses> statusSink) {
            synced.add(offer.getAllPackagesHash().toStringUtf8());
            statusSink.accept(
                PackageStatuses.newBuilder()
                    .setServerProvidedAllPackagesHash(offer.getAllPackagesHash())
                    .build());
            CompletableFuture<Void> done = new CompletableFuture<>();
            running.add(done);
            return done;
          }
        };
    harness.start();
    for (String hash : List.of("p1", "p2", "p3")) {
      harness.serverSends(
          ServerToAgent.newBuilder()
              .setPackagesAvailable(
                  PackagesAvailable.newBuilder().setAllPackagesHash(ByteString.copyFromUtf8(hash)))
              .build());
    }
    running.get(0).complete(null);
    harness.runUntilIdle();

    assertThat(harness.sent().get(0).getPackageStatuses().getErrorMessage()).isEqualTo("initial");
    assertThat(synced).containsExactly("p1", "p3");
    assertThat(
            harness
                .channels
                .lastSent()
                .getPackageStatuses()
                .getServerProvidedAllPackagesHash()
                .toStringUtf8())
        .isEqualTo("p3");
    assertThat(harness.callbacks.names()).doesNotContain("onPackagesAvailable");
  }

  // --- Connection settings ----------------------------------------------------------------------

  @Test
  void switchesToOfferedSettingsReportingApplyingThenApplied() {
    // OC-04, OC-05, OC-06, OC-08, CS-05, P-11
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    FakeChannels.FakeChannel old = harness.channel();
    harness.serverSends(opampOffer("ws://new.example:4320/v1/opamp", "cs1"));

    // APPLYING is reported on the old connection first (OC-05), then the goodbye is its last.
    assertThat(old.messages)
        .anySatisfy(
            message ->
                assertThat(message.getConnectionSettingsStatus().getStatus())
                    .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLYING));
    assertThat(old.messages.get(old.messages.size() - 1).hasAgentDisconnect()).isTrue();
    assertThat(old.closed).isTrue();
    FakeChannels.FakeChannel candidate = harness.channel();
    assertThat(candidate.target.endpoint().toString()).isEqualTo("ws://new.example:4320/v1/opamp");
    // The first message to the new endpoint carries everything.
    assertThat(candidate.messages.get(0).hasAgentDescription()).isTrue();

    harness.serverSends(ServerToAgent.getDefaultInstance());

    ConnectionSettingsStatus status = harness.channels.lastSent().getConnectionSettingsStatus();
    assertThat(status.getStatus())
        .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED);
    assertThat(status.getLastConnectionSettingsHash().toStringUtf8()).isEqualTo("cs1");
    assertThat(harness.callbacks.names())
        .containsSubsequence("onOpampConnectionSettings", "onOpampConnectionSettingsApplied");
    // The new settings stay in use after a reconnect.
    harness.channel().lose(new java.io.IOException("reset"));
    harness.advance(Duration.ofSeconds(5));
    assertThat(harness.channel().target.endpoint().getHost()).isEqualTo("new.example");
  }

  @Test
  void goesBackToTheOldSettingsWhenTheNewOnesFail() {
    // OC-09, P-11
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    harness.channels.openFailures.add(
        ExchangeFailure.httpStatus(401, Optional.empty(), "HTTP 401"));
    harness.serverSends(opampOffer("ws://new.example:4320/v1/opamp", "cs1"));

    assertThat(harness.channels.created).hasSize(3);
    assertThat(harness.channel().target.endpoint().getHost()).isEqualTo("127.0.0.1");
    ConnectionSettingsStatus status = harness.channels.lastSent().getConnectionSettingsStatus();
    assertThat(status.getStatus())
        .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED);
    assertThat(status.getErrorMessage()).contains("401");
    assertThat(harness.callbacks.names()).contains("onOpampConnectionSettingsFailed");
    // The same offer again is not retried (P-09).
    harness.serverSends(opampOffer("ws://new.example:4320/v1/opamp", "cs1"));
    assertThat(harness.channels.created).hasSize(3);
  }

  @Test
  void switchesHttpSettingsAfterAGoodbyeRequest() {
    // DC-03, HT-10, OC-06
    Harness harness = new Harness(Transport.HTTP);
    harness.start();
    harness.serverSends(opampOffer("http://new.example:4320/v1/opamp", "cs1"));

    List<AgentToServer> toOld = harness.channels.created.get(0).messages;
    assertThat(toOld.get(toOld.size() - 1).hasAgentDisconnect()).isTrue();
    FakeChannels.FakeChannel candidate = harness.channel();
    assertThat(candidate.target.endpoint().getHost()).isEqualTo("new.example");
    assertThat(harness.channels.lastSent().getConnectionSettingsStatus().getStatus())
        .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED);
  }

  @Test
  void reportsRefusedSettingsAsFailedWithoutSwitching() {
    // CS-05, OC-09: the application vetoes the offer.
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.callbacks.refuseOpampSettings("endpoint not allowed by local policy");
    harness.start();
    harness.serverSends(opampOffer("ws://evil.example:1/v1/opamp", "cs1"));

    assertThat(harness.channels.created).hasSize(1);
    ConnectionSettingsStatus status = harness.channels.lastSent().getConnectionSettingsStatus();
    assertThat(status.getStatus())
        .isEqualTo(ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED);
    assertThat(status.getErrorMessage()).contains("endpoint not allowed by local policy");
  }

  @Test
  void refusesSettingsThatDisableCertificateVerification() {
    // Section 5: insecure_skip_verify is a dangerous knob the client refuses.
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    ServerToAgent offer = opampOffer("wss://new.example:4320/v1/opamp", "cs1");
    harness.serverSends(
        offer.toBuilder()
            .setConnectionSettings(
                offer.getConnectionSettings().toBuilder()
                    .setOpamp(
                        offer.getConnectionSettings().getOpamp().toBuilder()
                            .setTls(
                                org.opampfleet.opamp.protocol.TLSConnectionSettings.newBuilder()
                                    .setInsecureSkipVerify(true))))
            .build());

    assertThat(harness.channels.created).hasSize(1);
    assertThat(harness.channels.lastSent().getConnectionSettingsStatus().getErrorMessage())
        .contains("insecure_skip_verify");
  }

  @Test
  void sendsAConnectionSettingsRequestOnlyToAServerThatAcceptsIt() throws Exception {
    // CR-01, CR-05, GEN-07
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();
    PrivateKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
    ConnectionSettingsRequest request =
        ConnectionSettingsRequest.newBuilder()
            .setOpamp(
                OpAMPConnectionSettingsRequest.newBuilder()
                    .setCertificateRequest(
                        CertificateRequest.newBuilder()
                            .setCsr(ByteString.copyFrom("PEM", StandardCharsets.US_ASCII))))
            .build();
    CompletableFuture<Void> beforeCapabilities =
        harness.client.requestConnectionSettings(request, key);
    harness.runUntilIdle();
    boolean sentBeforeCapabilities =
        harness.sent().stream().anyMatch(AgentToServer::hasConnectionSettingsRequest);
    harness.serverSends(
        ServerToAgent.newBuilder()
            .setCapabilities(
                ServerCapability.BITMASK.toMask(
                    EnumSet.of(
                        ServerCapability.ACCEPTS_STATUS,
                        ServerCapability.ACCEPTS_CONNECTION_SETTINGS_REQUEST)))
            .build());

    assertThat(sentBeforeCapabilities).isFalse();
    assertThat(beforeCapabilities).isCompleted();
    assertThat(harness.channels.lastSent().getConnectionSettingsRequest()).isEqualTo(request);

    harness.serverSends(
        ServerToAgent.newBuilder().setCapabilities(ServerCapability.ACCEPTS_STATUS.bit()).build());
    CompletableFuture<Void> refused = harness.client.requestConnectionSettings(request, key);
    harness.runUntilIdle();
    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join).hasMessageContaining("ACCEPTS_CONNECTION_SETTINGS_REQUEST");
  }

  // --- Lifecycle --------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void sendsAgentDisconnectInTheLastMessageWhenStopping(Transport transport) {
    // DC-01, DC-02, DC-03, WS-11
    Harness harness = new Harness(transport);
    harness.start();
    harness.client.setHealth(HEALTHY);
    CompletableFuture<Void> stopped = harness.client.stopAsync();
    harness.runUntilIdle();

    AgentToServer last = harness.channels.lastSent();
    assertThat(last.hasAgentDisconnect()).isTrue();
    assertThat(last.getHealth()).isEqualTo(HEALTHY);
    assertThat(harness.channel().closed).isTrue();
    assertThat(stopped).isCompleted();
    assertThat(harness.client.connectionState()).isEqualTo(ConnectionState.STOPPED);
    harness.advance(Duration.ofMinutes(5));
    assertThat(harness.channels.lastSent()).isSameAs(last);
    assertThatThrownBy(harness.client::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void stopsWithoutSendingWhenTheServerIsUnreachable() {
    // HB-10: nothing is sent while waiting to reconnect, not even a goodbye.
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.channels.openFailures.add(unreachable());
    harness.start();
    CompletableFuture<Void> stopped = harness.client.stopAsync();
    harness.runUntilIdle();

    assertThat(stopped).isCompleted();
    assertThat(harness.sent()).isEmpty();
    harness.advance(Duration.ofMinutes(5));
    assertThat(harness.channels.created).hasSize(1);
  }

  @Test
  void refusesToWaitForStopInsideACallbackWhereItWouldDeadlock() {
    Harness harness = new Harness(Transport.WEBSOCKET);
    List<Throwable> errors = new ArrayList<>();
    harness.callbacks.onEvent(
        event -> {
          if (event.name().equals("onConnected")) {
            try {
              harness.client.stop();
            } catch (IllegalStateException e) {
              errors.add(e);
            }
          }
        });
    harness.start();

    assertThat(errors)
        .singleElement()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("expected: stopAsync()");
    assertThat(harness.client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void stopsEvenWhenTheCallbackExecutorWasShutDown() {
    Harness harness = new Harness(Transport.WEBSOCKET);
    boolean[] open = {true};
    harness.callbackExecutor =
        command -> {
          if (!open[0]) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
          }
          harness.scheduler.execute(command);
        };
    harness.start();
    open[0] = false;
    CompletableFuture<Void> stopped = harness.client.stopAsync();
    harness.runUntilIdle();

    assertThat(stopped).isCompleted();
    assertThat(harness.channels.lastSent().hasAgentDisconnect()).isTrue();
  }

  @Test
  void refusesToStartTwice() {
    Harness harness = new Harness(Transport.WEBSOCKET);
    harness.start();

    assertThatThrownBy(harness.client::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("start(): already started (expected: one call)");
  }

  // --- Helpers ----------------------------------------------------------------------------------

  private static void setEveryPart(DefaultOpampClient client) {
    client.setAgentDescription(description("linux"));
    client.setHealth(HEALTHY);
    client.setRemoteConfigStatus(
        RemoteConfigStatus.newBuilder()
            .setLastRemoteConfigHash(ByteString.copyFromUtf8("c1"))
            .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED)
            .build());
    client.setPackageStatuses(
        PackageStatuses.newBuilder()
            .setServerProvidedAllPackagesHash(ByteString.copyFromUtf8("p"))
            .build());
    client.setCustomCapabilities(
        CustomCapabilities.newBuilder().addCapabilities("io.example.echo").build());
    client.setAvailableComponents(
        AvailableComponents.newBuilder().setHash(ByteString.copyFromUtf8("h")).build());
    client.setConnectionSettingsStatus(
        ConnectionSettingsStatus.newBuilder()
            .setLastConnectionSettingsHash(ByteString.copyFromUtf8("cs"))
            .setStatus(ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED)
            .build());
  }

  static AgentDescription description(String os) {
    return Harness.DESCRIPTION.toBuilder()
        .addNonIdentifyingAttributes(
            KeyValue.newBuilder()
                .setKey("os.type")
                .setValue(AnyValue.newBuilder().setStringValue(os)))
        .build();
  }

  static EffectiveConfig effectiveConfig(String body) {
    return EffectiveConfig.newBuilder()
        .setConfigMap(
            AgentConfigMap.newBuilder()
                .putConfigMap(
                    "",
                    org.opampfleet.opamp.protocol.AgentConfigFile.newBuilder()
                        .setBody(ByteString.copyFromUtf8(body))
                        .setContentType("text/yaml")
                        .build()))
        .build();
  }

  static AgentRemoteConfig remoteConfig(String hash) {
    return AgentRemoteConfig.newBuilder()
        .setConfigHash(ByteString.copyFromUtf8(hash))
        .setConfig(effectiveConfig("remote").getConfigMap())
        .build();
  }

  private static TelemetryConnectionSettings telemetry(String endpoint) {
    return TelemetryConnectionSettings.newBuilder().setDestinationEndpoint(endpoint).build();
  }

  private static ServerToAgent heartbeatOffer(long seconds, String hash) {
    return ServerToAgent.newBuilder()
        .setConnectionSettings(
            ConnectionSettingsOffers.newBuilder()
                .setHash(ByteString.copyFromUtf8(hash))
                .setOpamp(
                    OpAMPConnectionSettings.newBuilder().setHeartbeatIntervalSeconds(seconds)))
        .build();
  }

  private static ServerToAgent opampOffer(String endpoint, String hash) {
    return ServerToAgent.newBuilder()
        .setConnectionSettings(
            ConnectionSettingsOffers.newBuilder()
                .setHash(ByteString.copyFromUtf8(hash))
                .setOpamp(
                    OpAMPConnectionSettings.newBuilder()
                        .setDestinationEndpoint(endpoint)
                        .setHeartbeatIntervalSeconds(30)))
        .build();
  }

  private static ExchangeFailure unreachable() {
    return ExchangeFailure.of(ExchangeFailure.Kind.UNREACHABLE, "connection refused", null);
  }
}
