/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.agent.Interning;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.delivery.DeliveryService;
import org.opampfleet.controlplane.delivery.RemoteConfigOffer;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.controlplane.event.FleetEvents;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentFlags;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.ServerCallbacks;
import org.opampfleet.opamp.server.TransportKind;

/**
 * The control plane's callbacks for the OpAMP server: admits agents, files every report into the
 * inventory, and answers with what the agent needs (its desired configuration by hash, connection
 * settings, a request for its full component list when only the hash is known).
 *
 * <p><b>Thread safety:</b> thread-safe. Runs on the OpAMP event loops and never blocks: the
 * inventory and the configuration catalog are in memory; storage happens in batches elsewhere.
 */
public final class OpampGateway implements ServerCallbacks, ConnectionCallbacks {
  private static final System.Logger LOG = System.getLogger(OpampGateway.class.getName());

  private final Inventory inventory;
  private final ConfigService configs;
  private final DeliveryService delivery;
  private final OpampMessenger messenger;
  private final AgentAdmission admission;
  // The connection-settings hash sent on each agent's current connection.
  private final Map<InstanceUid, String> settingsSent = new ConcurrentHashMap<>();
  // The available-components hash each agent was asked to report in full on its current
  // connection, so an agent is asked once per hash and connection (AV-04).
  private final Map<InstanceUid, ByteString> componentsAsked = new ConcurrentHashMap<>();

  /** Creates the gateway. */
  public OpampGateway(
      Inventory inventory,
      ConfigService configs,
      DeliveryService delivery,
      OpampMessenger messenger,
      AgentAdmission admission) {
    this.inventory = requireNonNull(inventory, "inventory");
    this.configs = requireNonNull(configs, "configs");
    this.delivery = requireNonNull(delivery, "delivery");
    this.messenger = requireNonNull(messenger, "messenger");
    this.admission = requireNonNull(admission, "admission");
  }

  @Override
  public ConnectionDecision onConnecting(ConnectionRequest request) {
    Optional<String> refusal = admission.refusal(request);
    if (refusal.isPresent()) {
      LOG.log(
          Level.INFO,
          "refused agent connection from " + request.remoteAddress() + ": " + refusal.get());
      return ConnectionDecision.reject(401, refusal.get()).withHeader("WWW-Authenticate", "Bearer");
    }
    return ConnectionDecision.accept(this);
  }

  @Override
  public void onConnected(AgentConnection connection) {
    Instant now = inventory.clock().instant();
    Transport transport = transport(connection.transport());
    String remote = remote(connection.request());
    settingsSent.remove(connection.instanceUid());
    componentsAsked.remove(connection.instanceUid());
    inventory.update(
        connection.instanceUid(),
        ignored -> Agent.firstSeen(connection.instanceUid(), now, info(transport, remote, now)),
        agent -> agent.toBuilder().lastSeen(now).connection(info(transport, remote, now)).build());
    inventory.record(
        connection.instanceUid(),
        AgentEvent.Kind.CONNECTED,
        (transport == Transport.WEBSOCKET ? "WebSocket" : "HTTP polling") + " from " + remote);
  }

  @Override
  public @Nullable ServerToAgent onMessage(AgentConnection connection, AgentToServer message) {
    InstanceUid uid = connection.instanceUid();
    adoptAssignedUid(uid, message);
    Instant now = inventory.clock().instant();
    Agent known = inventory.get(uid).orElse(null);
    if (known != null && isHeartbeat(message, known) && inventory.touch(uid, now)) {
      // Nothing but "still here": no snapshot rebuilt, no event, no full database write.
      return reply(inventory.get(uid).orElse(known), false);
    }
    Agent[] before = new Agent[1];
    Agent agent =
        inventory.update(
            uid,
            ignored ->
                Agent.firstSeen(
                    uid,
                    now,
                    info(transport(connection.transport()), remote(connection.request()), now)),
            current -> {
              before[0] = current;
              return apply(current, message, now, connection);
            });
    recordChanges(before[0], agent, message);
    return reply(agent, needsComponents(agent, message));
  }

  private @Nullable ServerToAgent reply(Agent agent, boolean askForComponents) {
    ServerToAgent.Builder reply = ServerToAgent.newBuilder();
    Optional<RemoteConfigOffer> offer = delivery.offerFor(agent);
    offer.ifPresent(o -> reply.setRemoteConfig(messenger.offers().remoteConfig(o.version())));
    connectionSettings(agent).ifPresent(reply::setConnectionSettings);
    if (askForComponents) {
      reply.setFlags(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents_VALUE);
    }
    return offer.isPresent() || reply.hasConnectionSettings() || askForComponents
        ? reply.build()
        : null;
  }

  /**
   * Whether to ask the agent for its full component map: it reported only the hash of its
   * components and the map of that hash is not known (AV-03, AV-04). Asked once per hash on a
   * connection, so an agent that has no components to list is not asked again and again.
   */
  private boolean needsComponents(Agent agent, AgentToServer message) {
    if (!message.hasAvailableComponents()
        || message.getAvailableComponents().getComponentsCount() > 0) {
      return false;
    }
    AvailableComponents known = agent.availableComponents();
    if (known != null && known.getComponentsCount() > 0) {
      return false;
    }
    ByteString hash = message.getAvailableComponents().getHash();
    return !hash.equals(componentsAsked.put(agent.instanceUid(), hash));
  }

  @Override
  public void onConnectionClosed(AgentConnection connection, CloseReason reason) {
    Instant now = inventory.clock().instant();
    settingsSent.remove(connection.instanceUid());
    componentsAsked.remove(connection.instanceUid());
    inventory.updateExisting(
        connection.instanceUid(),
        agent -> {
          AgentConnectionInfo c = agent.connection();
          return agent.toBuilder()
              .connection(
                  new AgentConnectionInfo(
                      false, c.transport(), c.remoteAddress(), c.connectedAt(), now, reason.name()))
              .build();
        });
    inventory.record(connection.instanceUid(), AgentEvent.Kind.DISCONNECTED, describe(reason));
  }

  /**
   * Whether a message only says the agent is still there: a heartbeat or an empty poll from a
   * connected agent whose capabilities did not change.
   */
  private static boolean isHeartbeat(AgentToServer message, Agent known) {
    return known.connection().connected()
        && (message.getCapabilities() == 0 || message.getCapabilities() == known.capabilities())
        && !message.hasAgentDescription()
        && !message.hasHealth()
        && !message.hasEffectiveConfig()
        && !message.hasRemoteConfigStatus()
        && !message.hasPackageStatuses()
        && !message.hasAvailableComponents()
        && !message.hasCustomCapabilities()
        && !message.hasConnectionSettingsStatus();
  }

  private Agent apply(
      Agent current, AgentToServer message, Instant now, AgentConnection connection) {
    Agent.Builder next = current.toBuilder().lastSeen(now);
    if (!current.connection().connected()) {
      next.connection(info(transport(connection.transport()), remote(connection.request()), now));
    }
    if (message.getCapabilities() != 0) {
      next.capabilities(message.getCapabilities());
    }
    if (message.hasAgentDescription()) {
      next.attributes(
          AgentReports.attributes(message.getAgentDescription().getIdentifyingAttributesList()),
          AgentReports.attributes(message.getAgentDescription().getNonIdentifyingAttributesList()));
    }
    if (message.hasHealth()) {
      next.health(message.getHealth(), now);
    }
    if (message.hasEffectiveConfig()) {
      next.effectiveConfig(AgentReports.files(message.getEffectiveConfig().getConfigMap()), now);
    }
    if (message.hasRemoteConfigStatus()) {
      RemoteConfigStatus status = message.getRemoteConfigStatus();
      next.remoteConfig(
          new RemoteConfigReport(
              AgentReports.status(status),
              Interning.string(
                  HexFormat.of().formatHex(status.getLastRemoteConfigHash().toByteArray())),
              Interning.string(status.getErrorMessage()),
              now));
    }
    if (message.hasAvailableComponents()) {
      AvailableComponents reported = message.getAvailableComponents();
      AvailableComponents known = current.availableComponents();
      // A report of the hash alone keeps the map already known for that hash (AV-05).
      if (reported.getComponentsCount() > 0
          || known == null
          || !known.getHash().equals(reported.getHash())) {
        next.availableComponents(reported);
      }
    }
    if (message.hasPackageStatuses()) {
      next.packageStatuses(message.getPackageStatuses());
    }
    if (message.hasCustomCapabilities()) {
      next.customCapabilities(List.copyOf(message.getCustomCapabilities().getCapabilitiesList()));
    }
    return next.build();
  }

  private void recordChanges(@Nullable Agent before, Agent after, AgentToServer message) {
    InstanceUid uid = after.instanceUid();
    RemoteConfigReport was = before == null ? null : before.remoteConfig();
    RemoteConfigReport now = after.remoteConfig();
    if (message.hasRemoteConfigStatus()
        && now != null
        && (was == null || was.status() != now.status() || !was.hash().equals(now.hash()))) {
      String version = versionLabel(after, now.hash());
      switch (now.status()) {
        case APPLIED -> inventory.record(uid, AgentEvent.Kind.CONFIG_APPLIED, "applied " + version);
        case APPLYING ->
            inventory.record(uid, AgentEvent.Kind.CONFIG_APPLYING, "applying " + version);
        case FAILED ->
            inventory.record(
                uid,
                AgentEvent.Kind.CONFIG_FAILED,
                "failed to apply " + version + ": " + now.errorMessage());
        case UNSET -> {}
      }
    }
    if (message.hasHealth()) {
      boolean healthyBefore =
          before != null && before.health() != null && before.health().getHealthy();
      boolean healthyNow = message.getHealth().getHealthy();
      if (before == null || before.health() == null || healthyBefore != healthyNow) {
        inventory.record(
            uid,
            AgentEvent.Kind.HEALTH_CHANGED,
            healthyNow
                ? "healthy"
                : "unhealthy"
                    + (message.getHealth().getLastError().isEmpty()
                        ? ""
                        : ": " + message.getHealth().getLastError()));
      }
    }
    if (message.hasAgentDescription()
        && before != null
        && !before.identifyingAttributes().isEmpty()
        && !before.identifyingAttributes().equals(after.identifyingAttributes())) {
      inventory.record(
          uid,
          AgentEvent.Kind.DESCRIPTION_CHANGED,
          "identifying attributes changed: " + after.identifyingAttributes());
    }
  }

  private String versionLabel(Agent agent, String hash) {
    var offer = agent.lastOffer();
    if (offer != null && offer.hash().equals(hash)) {
      return offer.configName() + " v" + offer.version();
    }
    return "config "
        + (hash.length() > 7 ? hash.substring(0, 7) : hash.isEmpty() ? "(no hash)" : hash);
  }

  /**
   * Follows the fleet's changes that alter agents' connection settings: a configuration saved,
   * edited or deleted (its settings, or which configuration applies to whom), an agent's labels
   * edited. Wire it to the control plane's {@link FleetEvents}.
   */
  public void onFleetEvent(FleetEvent event) {
    if (event instanceof FleetEvent.ConfigSaved || event instanceof FleetEvent.ConfigChanged) {
      pushConnectionSettings();
    } else if (event instanceof FleetEvent.AgentChanged changed
        && changed.before() != null
        && !changed.before().labels().equals(changed.after().labels())) {
      pushConnectionSettings(changed.after());
    }
  }

  /**
   * Sends every connected agent whose connection settings differ from those it was sent on its
   * connection the new settings now (WebSocket at once, HTTP with the next poll) rather than in the
   * reply to its next message. Returns how many agents were sent settings.
   */
  public int pushConnectionSettings() {
    int sent = 0;
    for (Agent agent : inventory.all()) {
      if (pushConnectionSettings(agent)) {
        sent++;
      }
    }
    return sent;
  }

  private boolean pushConnectionSettings(Agent agent) {
    if (!agent.connection().connected()) {
      return false;
    }
    Optional<ConnectionSettingsOffers> offers = connectionSettings(agent);
    if (offers.isEmpty()) {
      return false;
    }
    if (!messenger.sendConnectionSettings(agent.instanceUid(), offers.get())) {
      settingsSent.remove(agent.instanceUid()); // no connection after all: the reply sends them
      return false;
    }
    return true;
  }

  private Optional<ConnectionSettingsOffers> connectionSettings(Agent agent) {
    Optional<ConfigService.Entry> desired = configs.desiredFor(agent);
    ConfigSettings settings =
        desired.map(e -> e.configuration().settings()).orElse(ConfigSettings.NONE);
    ConnectionSettingsOffers offers = Offers.connectionSettings(settings);
    if (offers == null) {
      return Optional.empty();
    }
    String hash = java.util.HexFormat.of().formatHex(offers.getHash().toByteArray());
    if (hash.equals(settingsSent.get(agent.instanceUid()))) {
      return Optional.empty();
    }
    settingsSent.put(agent.instanceUid(), hash);
    return Optional.of(offers);
  }

  private void adoptAssignedUid(InstanceUid uid, AgentToServer message) {
    try {
      InstanceUid sent = InstanceUid.fromBytes(message.getInstanceUid());
      if (!sent.equals(uid) && inventory.get(sent).isPresent() && inventory.get(uid).isEmpty()) {
        // The server just assigned this agent a new UID (UID-05): its record follows.
        inventory.rekey(sent, uid);
      }
    } catch (IllegalArgumentException e) {
      // The engine validated the UID already.
    }
  }

  private static AgentConnectionInfo info(Transport transport, String remote, Instant now) {
    return new AgentConnectionInfo(true, transport, remote, now, null, null);
  }

  private static Transport transport(TransportKind kind) {
    return kind == TransportKind.WEBSOCKET ? Transport.WEBSOCKET : Transport.HTTP;
  }

  private static String remote(ConnectionRequest request) {
    return request.remoteAddress().getAddress().getHostAddress()
        + ":"
        + request.remoteAddress().getPort();
  }

  private static String describe(CloseReason reason) {
    return switch (reason) {
      case AGENT_DISCONNECTED -> "the agent disconnected";
      case CONNECTION_LOST -> "connection lost";
      case IDLE_TIMEOUT -> "no message within the idle timeout";
      case PROTOCOL_ERROR -> "closed after a protocol error";
      case REPLACED -> "replaced by a newer connection";
      case CLOSED_BY_SERVER -> "closed by the server";
      case SERVER_SHUTDOWN -> "the server shut down";
    };
  }
}
