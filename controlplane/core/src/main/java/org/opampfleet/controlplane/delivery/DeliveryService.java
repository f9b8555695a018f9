/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.delivery;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.ConfigOfferRecord;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Gets every agent to run its desired configuration, by hash: an agent gets an offer only when what
 * it should run differs from the {@code last_remote_config_hash} it reported (RC-03).
 *
 * <p>An offer is not repeated while the agent works on it: once a version's hash was offered on the
 * current connection, it is offered again only after the agent reconnects, so agents that are slow
 * to answer (or never answer an unchanged config) do not cause a message storm (P-09). An agent
 * that reported FAILED for the desired hash is not sent it again until the version changes.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class DeliveryService {
  private final Inventory inventory;
  private final ConfigService configs;
  private final AgentMessenger messenger;

  /** Creates the service. */
  public DeliveryService(Inventory inventory, ConfigService configs, AgentMessenger messenger) {
    this.inventory = requireNonNull(inventory, "inventory");
    this.configs = requireNonNull(configs, "configs");
    this.messenger = requireNonNull(messenger, "messenger");
  }

  /**
   * Returns the offer an agent needs now, if any, and records it as offered. The caller delivers it
   * (in the reply it is building), so no message is sent here.
   */
  public Optional<RemoteConfigOffer> offerFor(Agent agent) {
    ConfigVersion desired = desiredVersion(agent);
    if (desired == null || !needsOffer(agent, desired)) {
      return Optional.empty();
    }
    markOffered(agent.instanceUid(), desired);
    return Optional.of(new RemoteConfigOffer(desired));
  }

  /**
   * Sends every connected agent that needs one its offer: after a configuration was saved or
   * deleted, or labels changed. Returns the number of offers sent.
   */
  public int reconcileAll() {
    int sent = 0;
    for (Agent agent : inventory.all()) {
      if (agent.connection().connected() && reconcile(agent)) {
        sent++;
      }
    }
    return sent;
  }

  /** Sends one agent its offer if it needs one. Returns whether an offer was sent. */
  public boolean reconcile(Agent agent) {
    ConfigVersion desired = desiredVersion(agent);
    if (desired == null || !needsOffer(agent, desired)) {
      return false;
    }
    if (!messenger.offerRemoteConfig(agent.instanceUid(), new RemoteConfigOffer(desired))) {
      return false;
    }
    markOffered(agent.instanceUid(), desired);
    return true;
  }

  /**
   * Asks an agent to restart.
   *
   * @return the outcome, with a message for people when it could not be sent
   */
  public RestartOutcome restart(InstanceUid instanceUid, String requestedBy) {
    Optional<Agent> agent = inventory.get(instanceUid);
    if (agent.isEmpty()) {
      return RestartOutcome.UNKNOWN_AGENT;
    }
    if (!agent.get().hasCapability(AgentCapability.ACCEPTS_RESTART_COMMAND)) {
      return RestartOutcome.NOT_SUPPORTED;
    }
    if (!messenger.requestRestart(instanceUid)) {
      return RestartOutcome.NOT_CONNECTED;
    }
    inventory.record(
        instanceUid, AgentEvent.Kind.RESTART_REQUESTED, "restart requested by " + requestedBy);
    return RestartOutcome.SENT;
  }

  /** What became of a restart request. */
  public enum RestartOutcome {
    /** Sent (or queued for the next poll). */
    SENT,
    /** No such agent. */
    UNKNOWN_AGENT,
    /** The agent does not accept restart commands (no AcceptsRestartCommand). */
    NOT_SUPPORTED,
    /** The agent has no open connection. */
    NOT_CONNECTED
  }

  private @Nullable ConfigVersion desiredVersion(Agent agent) {
    if (!agent.hasCapability(AgentCapability.ACCEPTS_REMOTE_CONFIG)) {
      return null;
    }
    return configs.desiredFor(agent).map(ConfigService.Entry::latest).orElse(null);
  }

  private static boolean needsOffer(Agent agent, ConfigVersion desired) {
    RemoteConfigReport reported = agent.remoteConfig();
    if (reported != null && reported.hash().equals(desired.hash())) {
      return false; // applying, applied or failed: the agent has it
    }
    ConfigOfferRecord offer = agent.lastOffer();
    return offer == null
        || !offer.hash().equals(desired.hash())
        || offer.offeredAt().isBefore(agent.connection().connectedAt());
  }

  private void markOffered(InstanceUid instanceUid, ConfigVersion desired) {
    inventory.updateExisting(
        instanceUid,
        agent ->
            agent.toBuilder()
                .lastOffer(
                    new ConfigOfferRecord(
                        desired.name(),
                        desired.version(),
                        desired.hash(),
                        inventory.clock().instant()))
                .build());
    inventory.record(
        instanceUid,
        AgentEvent.Kind.CONFIG_OFFERED,
        "offered " + desired.label() + " (hash " + desired.hash().substring(0, 7) + ")");
  }
}
