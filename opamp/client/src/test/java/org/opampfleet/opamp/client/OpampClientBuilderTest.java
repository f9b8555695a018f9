/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.client.testing.RecordingCallbacks;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.PackagesAvailable;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** Misuse fails at construction, with a message naming the setting, value and expectation. */
class OpampClientBuilderTest {

  // Built clients never start, so they never use this executor's thread.
  private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  private OpampClientBuilder complete(String uri) {
    return OpampClient.builder()
        .serverUri(URI.create(uri))
        .instanceUid(InstanceUid.generate())
        .agentDescription(AgentDescription.getDefaultInstance())
        .capabilities(EnumSet.noneOf(AgentCapability.class))
        .callbacks(new RecordingCallbacks())
        .executor(executor);
  }

  @Test
  void buildsAClientThatIsNotStartedYet() {
    OpampClient client = complete("wss://opamp.example.com:4320/v1/opamp").build();

    assertThat(client.connectionState()).isEqualTo(ConnectionState.NOT_STARTED);
    client.stop();
    assertThat(client.connectionState()).isEqualTo(ConnectionState.STOPPED);
  }

  @Test
  void refusesASchemeThatIsNoOpampTransport() {
    assertThatThrownBy(() -> complete("ftp://x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("serverUri: ftp://x (expected: ws, wss, http or https)");
  }

  @Test
  void namesEachMissingRequiredSetting() {
    assertThatThrownBy(() -> OpampClient.builder().build())
        .hasMessage("serverUri: not set (expected: a ws, wss, http or https URI)");
    assertThatThrownBy(
            () -> OpampClient.builder().serverUri(URI.create("ws://localhost/v1/opamp")).build())
        .hasMessageStartingWith("instanceUid: not set");
    assertThatThrownBy(
            () ->
                OpampClient.builder()
                    .serverUri(URI.create("ws://localhost/v1/opamp"))
                    .instanceUid(InstanceUid.generate())
                    .agentDescription(AgentDescription.getDefaultInstance())
                    .capabilities(EnumSet.noneOf(AgentCapability.class))
                    .build())
        .hasMessage("callbacks: not set (expected: a ClientCallbacks)");
  }

  @Test
  void requiresAnEffectiveConfigSupplierWhenReportingEffectiveConfig() {
    // EC-01
    assertThatThrownBy(
            () ->
                complete("ws://localhost/v1/opamp")
                    .capabilities(EnumSet.of(AgentCapability.REPORTS_EFFECTIVE_CONFIG))
                    .build())
        .hasMessageStartingWith("effectiveConfigSupplier: not set while capabilities include");
    complete("ws://localhost/v1/opamp")
        .capabilities(EnumSet.of(AgentCapability.REPORTS_EFFECTIVE_CONFIG))
        .effectiveConfigSupplier(EffectiveConfig::getDefaultInstance)
        .build();
  }

  @Test
  void requiresAcceptsPackagesForAPackageSyncer() {
    assertThatThrownBy(
            () ->
                complete("ws://localhost/v1/opamp")
                    .packageSyncer(
                        new org.opampfleet.opamp.client.packages.PackageSyncer() {
                          @Override
                          public PackageStatuses statuses() {
                            return PackageStatuses.getDefaultInstance();
                          }

                          @Override
                          public java.util.concurrent.CompletableFuture<Void> sync(
                              PackagesAvailable offer,
                              java.util.function.Consumer<PackageStatuses> sink) {
                            return java.util.concurrent.CompletableFuture.completedFuture(null);
                          }
                        })
                    .build())
        .hasMessageContaining("ACCEPTS_PACKAGES");
  }

  @Test
  void refusesHeadersTheClientSetsItself() {
    assertThatThrownBy(() -> complete("ws://localhost/v1/opamp").header("Host", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"Host\" is set by the client itself");
    assertThatThrownBy(() -> complete("ws://localhost/v1/opamp").header("bad name", "x"))
        .hasMessageContaining("expected: a non-empty HTTP token");
  }

  @Test
  void neverPutsAHeaderValueInAnErrorMessage() {
    assertThatThrownBy(
            () -> complete("ws://localhost/v1/opamp").header("OpAMP-Instance-UID", "s3cr3t"))
        .message()
        .doesNotContain("s3cr3t");
  }

  @Test
  void refusesNonPositiveDurations() {
    assertThatThrownBy(() -> complete("ws://x").requestTimeout(Duration.ZERO))
        .hasMessage("requestTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> complete("ws://x").heartbeatInterval(Duration.ofSeconds(-1)))
        .hasMessage("heartbeatInterval: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> complete("ws://x").pollingInterval(Duration.ZERO))
        .hasMessage("pollingInterval: PT0S (expected: > 0)");
  }

  @Test
  void refusesHeartbeatsDisabledWhileDeclaringThem() {
    assertThatThrownBy(
            () ->
                complete("ws://x")
                    .capabilities(EnumSet.of(AgentCapability.REPORTS_HEARTBEAT))
                    .heartbeatInterval(Duration.ZERO)
                    .build())
        .hasMessageContaining(
            "heartbeatInterval: PT0S while capabilities include REPORTS_HEARTBEAT");
  }

  @Test
  void refusesTlsSettingsNextToASharedHttpClient() {
    assertThatThrownBy(
            () ->
                complete("wss://x")
                    .httpClient(HttpClient.newHttpClient())
                    .proxy(InetSocketAddress.createUnresolved("proxy", 3128))
                    .build())
        .hasMessageStartingWith("httpClient: set together with trustManager, keyManager or proxy");
  }

  @Test
  void choosesTheTransportFromTheSchemeOrAdaptsTheSchemeToAnExplicitOne() {
    assertThat(Transport.fromScheme(URI.create("WSS://x"))).contains(Transport.WEBSOCKET);
    assertThat(Transport.fromScheme(URI.create("https://x"))).contains(Transport.HTTP);
    assertThat(Transport.fromScheme(URI.create("x"))).isEmpty();
    // An explicit transport wins over the scheme.
    complete("https://opamp.example.com/v1/opamp").transport(Transport.WEBSOCKET).build();
  }
}
