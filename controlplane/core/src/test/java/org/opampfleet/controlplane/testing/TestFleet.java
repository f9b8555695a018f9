/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.testing;

import java.time.Duration;
import java.util.Map;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.delivery.DeliveryService;
import org.opampfleet.controlplane.event.FleetEvents;
import org.opampfleet.controlplane.status.FleetView;
import org.opampfleet.controlplane.status.StatusRules;
import org.opampfleet.controlplane.status.StatusThresholds;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/** The control plane core wired with fakes and a manual clock, for tests. */
public final class TestFleet {
  /** Capabilities of a typical collector under a supervisor. */
  public static final long COLLECTOR_CAPS =
      AgentCapability.REPORTS_STATUS.bit()
          | AgentCapability.ACCEPTS_REMOTE_CONFIG.bit()
          | AgentCapability.REPORTS_REMOTE_CONFIG.bit()
          | AgentCapability.REPORTS_EFFECTIVE_CONFIG.bit()
          | AgentCapability.REPORTS_HEALTH.bit()
          | AgentCapability.ACCEPTS_RESTART_COMMAND.bit();

  public final ManualClock clock = new ManualClock();
  public final FakeAgentStore agentStore = new FakeAgentStore();
  public final FakeConfigStore configStore = new FakeConfigStore();
  public final FleetEvents events = new FleetEvents();
  public final RecordingMessenger messenger = new RecordingMessenger();
  public final Inventory inventory = new Inventory(agentStore, events, clock);
  public final ConfigService configs = new ConfigService(configStore, events, clock);
  public final DeliveryService delivery = new DeliveryService(inventory, configs, messenger);
  public final StatusRules rules = new StatusRules(clock, StatusThresholds.DEFAULTS);
  public final FleetView view = new FleetView(inventory, configs, rules);

  /** Adds a connected WebSocket collector with these identifying attributes. */
  public Agent connect(Map<String, String> identifying) {
    return connect(InstanceUid.generate(), identifying, Transport.WEBSOCKET);
  }

  /** Adds a connected collector. */
  public Agent connect(InstanceUid uid, Map<String, String> identifying, Transport transport) {
    messenger.connected.add(uid);
    return inventory.update(
        uid,
        ignored ->
            Agent.firstSeen(
                uid,
                clock.instant(),
                new AgentConnectionInfo(
                    true, transport, "10.0.0.1:4000", clock.instant(), null, null)),
        a ->
            a.toBuilder()
                .capabilities(COLLECTOR_CAPS)
                .attributes(
                    identifying, Map.of("host.name", "host-" + uid.toString().substring(30)))
                .build());
  }

  /** Records that an agent reported a remote-config status for a version. */
  public Agent report(
      InstanceUid uid, ConfigVersion version, RemoteConfigReport.Status status, String error) {
    return inventory
        .updateExisting(
            uid,
            a ->
                a.toBuilder()
                    .lastSeen(clock.instant())
                    .remoteConfig(
                        new RemoteConfigReport(status, version.hash(), error, clock.instant()))
                    .build())
        .orElseThrow();
  }

  /** Saves a configuration. */
  public ConfigVersion save(String name, String selector, int priority, String body) {
    return configs
        .save(name, selector, priority, Map.of("collector.yaml", body), "test", "", null, null)
        .version();
  }

  /** Moves the clock. */
  public void advance(Duration duration) {
    clock.advance(duration);
  }
}
