/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.testing.TestFleet;
import org.opampfleet.opamp.protocol.wire.AgentCapability;

class DeliveryServiceTest {
  private final TestFleet fleet = new TestFleet();

  private Agent current(Agent agent) {
    return fleet.inventory.get(agent.instanceUid()).orElseThrow();
  }

  @Test
  void offersTheDesiredVersionWhenTheReportedHashDiffers() {
    // RC-03.
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    ConfigVersion v1 = fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");

    RemoteConfigOffer offer = fleet.delivery.offerFor(current(agent)).orElseThrow();

    assertThat(offer.version()).isEqualTo(v1);
    assertThat(current(agent).lastOffer().hash()).isEqualTo(v1.hash());
    assertThat(fleet.inventory.timeline(agent.instanceUid(), null, 10))
        .extracting(AgentEvent::kind)
        .containsExactly(AgentEvent.Kind.CONFIG_OFFERED);
  }

  @Test
  void doesNotOfferAgainWhileTheAgentWorksOnIt() {
    // P-09: no ping-pong while the agent has not answered.
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    fleet.delivery.offerFor(current(agent));

    assertThat(fleet.delivery.offerFor(current(agent))).isEmpty();
  }

  @Test
  void offersAgainAfterTheAgentReconnects() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    fleet.delivery.offerFor(current(agent));
    fleet.advance(Duration.ofSeconds(5));
    fleet.inventory.updateExisting(
        agent.instanceUid(),
        a ->
            a.toBuilder()
                .connection(
                    new AgentConnectionInfo(
                        true, Transport.WEBSOCKET, "x", fleet.clock.instant(), null, null))
                .build());

    assertThat(fleet.delivery.offerFor(current(agent))).isPresent();
  }

  @Test
  void offersNothingOnceTheAgentReportsTheHash() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    ConfigVersion v1 = fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    fleet.report(agent.instanceUid(), v1, RemoteConfigReport.Status.APPLIED, "");

    assertThat(fleet.delivery.offerFor(current(agent))).isEmpty();
  }

  @Test
  void doesNotResendAVersionTheAgentFailedToApply() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    ConfigVersion v1 = fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");
    fleet.report(agent.instanceUid(), v1, RemoteConfigReport.Status.FAILED, "bad");

    assertThat(fleet.delivery.offerFor(current(agent))).isEmpty();

    ConfigVersion v2 = fleet.save("checkout", "service.name=checkout", 0, "a: 2\n");
    assertThat(fleet.delivery.offerFor(current(agent)))
        .map(RemoteConfigOffer::version)
        .contains(v2);
  }

  @Test
  void neverOffersToAgentsThatDoNotAcceptRemoteConfig() {
    // RC-01.
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    fleet.inventory.updateExisting(
        agent.instanceUid(),
        a -> a.toBuilder().capabilities(AgentCapability.REPORTS_STATUS.bit()).build());
    fleet.save("checkout", "", 0, "a: 1\n");

    assertThat(fleet.delivery.offerFor(current(agent))).isEmpty();
    assertThat(fleet.delivery.reconcileAll()).isZero();
  }

  @Test
  void pushesASavedConfigToMatchingConnectedAgentsOnly() {
    Agent match = fleet.connect(Map.of("service.name", "checkout"));
    Agent other = fleet.connect(Map.of("service.name", "cart"));
    Agent offline = fleet.connect(Map.of("service.name", "checkout"));
    fleet.messenger.connected.remove(offline.instanceUid());
    fleet.inventory.updateExisting(
        offline.instanceUid(),
        a ->
            a.toBuilder()
                .connection(
                    new AgentConnectionInfo(
                        false,
                        Transport.WEBSOCKET,
                        "x",
                        fleet.clock.instant(),
                        fleet.clock.instant(),
                        "CONNECTION_LOST"))
                .build());
    ConfigVersion v1 = fleet.save("checkout", "service.name=checkout", 0, "a: 1\n");

    int sent = fleet.delivery.reconcileAll();

    assertThat(sent).isOne();
    assertThat(fleet.messenger.offers)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.instanceUid()).isEqualTo(match.instanceUid());
              assertThat(s.offer().version()).isEqualTo(v1);
            });
    assertThat(current(other).lastOffer()).isNull();
    assertThat(current(offline).lastOffer()).isNull();
  }

  @Test
  void restartsOnlyAgentsThatAcceptIt() {
    Agent agent = fleet.connect(Map.of("service.name", "checkout"));
    Agent noRestart = fleet.connect(Map.of("service.name", "checkout"));
    fleet.inventory.updateExisting(
        noRestart.instanceUid(),
        a -> a.toBuilder().capabilities(AgentCapability.REPORTS_STATUS.bit()).build());

    assertThat(fleet.delivery.restart(agent.instanceUid(), "admin"))
        .isEqualTo(DeliveryService.RestartOutcome.SENT);
    assertThat(fleet.delivery.restart(noRestart.instanceUid(), "admin"))
        .isEqualTo(DeliveryService.RestartOutcome.NOT_SUPPORTED);
    assertThat(
            fleet.delivery.restart(
                org.opampfleet.opamp.protocol.wire.InstanceUid.generate(), "admin"))
        .isEqualTo(DeliveryService.RestartOutcome.UNKNOWN_AGENT);
    fleet.messenger.connected.remove(agent.instanceUid());
    assertThat(fleet.delivery.restart(agent.instanceUid(), "admin"))
        .isEqualTo(DeliveryService.RestartOutcome.NOT_CONNECTED);
    assertThat(fleet.messenger.restarts).containsExactly(agent.instanceUid());
  }
}
