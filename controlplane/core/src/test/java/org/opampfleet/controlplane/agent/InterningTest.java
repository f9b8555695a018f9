/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

class InterningTest {
  // new String(...) makes distinct instances, as two decoded reports would.
  private static ComponentHealth report() {
    return ComponentHealth.newBuilder()
        .setHealthy(true)
        .setStatus(new String("StatusOK"))
        .setStartTimeUnixNano(42)
        .putComponentHealthMap(
            new String("pipeline:traces"),
            ComponentHealth.newBuilder()
                .setHealthy(false)
                .setLastError(new String("exporter refused"))
                .setStatus(new String("StatusRecoverableError"))
                .build())
        .build();
  }

  @Test
  void keepsTheHealthTreeEqualAndSharesItsStrings() {
    ComponentHealth first = Interning.health(report());
    ComponentHealth second = Interning.health(report());

    assertThat(first).isEqualTo(report());
    assertThat(second.getStatus()).isSameAs(first.getStatus());
    Map.Entry<String, ComponentHealth> a =
        first.getComponentHealthMapMap().entrySet().iterator().next();
    Map.Entry<String, ComponentHealth> b =
        second.getComponentHealthMapMap().entrySet().iterator().next();
    assertThat(b.getKey()).isSameAs(a.getKey());
    assertThat(b.getValue().getLastError()).isSameAs(a.getValue().getLastError());
  }

  @Test
  void agentsShareEqualAttributeStrings() {
    Agent one = agentWith(Map.of(new String("host.arch"), new String("amd64")));
    Agent two = agentWith(Map.of(new String("host.arch"), new String("amd64")));

    assertThat(two.nonIdentifyingAttributes().get("host.arch"))
        .isSameAs(one.nonIdentifyingAttributes().get("host.arch"));
    assertThat(two.nonIdentifyingAttributes().keySet().iterator().next())
        .isSameAs(one.nonIdentifyingAttributes().keySet().iterator().next());
  }

  @Test
  void agentsReportingTheSameComponentsShareOneMap() {
    Agent one = agentWith(Map.of()).toBuilder().availableComponents(components("otlp")).build();
    Agent two = agentWith(Map.of()).toBuilder().availableComponents(components("otlp")).build();
    Agent other = agentWith(Map.of()).toBuilder().availableComponents(components("kafka")).build();

    assertThat(two.availableComponents()).isSameAs(one.availableComponents());
    assertThat(other.availableComponents())
        .isNotSameAs(one.availableComponents())
        .isEqualTo(components("kafka"));
  }

  // A new message per call, as each decoded report is.
  private static AvailableComponents components(String receiver) {
    return AvailableComponents.newBuilder()
        .setHash(ByteString.copyFromUtf8("hash-" + receiver))
        .putComponents(
            "receivers",
            ComponentDetails.newBuilder()
                .putSubComponentMap(receiver, ComponentDetails.getDefaultInstance())
                .build())
        .build();
  }

  private static Agent agentWith(Map<String, String> nonIdentifying) {
    Agent agent =
        Agent.firstSeen(
            InstanceUid.generate(),
            Instant.EPOCH,
            new AgentConnectionInfo(
                true, Transport.WEBSOCKET, "10.0.3.7:1", Instant.EPOCH, null, null));
    return agent.toBuilder().attributes(Map.of(), nonIdentifying).build();
  }
}
