/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.CommandType;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.ServerToAgentFlags;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.netty.NettyTransport;

/**
 * A scriptable upstream OpAMP server for the supervisor's tests, on our server library: it records
 * what every agent reports (merging compressed reports, ST-15), offers remote configs by hash until
 * the agent reports that hash (RC-03), asks for the full component list when it only has the hash
 * (AV-04), sends restart commands and new instance UIDs, and can be stopped and started again on
 * the same port.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class ScriptedUpstream implements UpstreamFixture {
  private final Map<InstanceUid, Agent> agents = new ConcurrentHashMap<>();
  private final List<String> order = new CopyOnWriteArrayList<>();
  private int port;
  private @Nullable NettyTransport transport;

  /** Creates a stopped server; {@link #start()} binds a free port the first time. */
  public ScriptedUpstream() {}

  /** One agent's record; guarded by itself. */
  private static final class Agent {
    final String id;
    @Nullable AgentConnection connection;
    AgentDescription description = AgentDescription.getDefaultInstance();
    @Nullable ComponentHealth health;
    String effective = "";
    @Nullable RemoteConfigStatus status;
    final List<RemoteConfigStatus> history = new ArrayList<>();
    Map<String, Set<String>> components = Map.of();
    long capabilities;
    @Nullable AgentRemoteConfig desired;
    int offersSent;
    final long firstContactNanos = System.nanoTime();

    Agent(String id) {
      this.id = id;
    }
  }

  @Override
  public synchronized String endpoint() {
    if (port == 0) {
      throw new IllegalStateException("start() the upstream before asking for its endpoint");
    }
    return "ws://127.0.0.1:" + port + "/v1/opamp";
  }

  @Override
  public synchronized void start() {
    if (transport != null) {
      return;
    }
    OpampServer server =
        OpampServer.builder()
            .capabilities(
                EnumSet.of(
                    ServerCapability.OFFERS_REMOTE_CONFIG,
                    ServerCapability.ACCEPTS_EFFECTIVE_CONFIG,
                    ServerCapability.OFFERS_CONNECTION_SETTINGS))
            .callbacks(request -> ConnectionDecision.accept(new Callbacks()))
            .build();
    NettyTransport t =
        NettyTransport.builder(server).host("127.0.0.1").port(port).ioThreads(1).build();
    t.start();
    port = t.localAddress().getPort();
    transport = t;
  }

  @Override
  public synchronized void stop() {
    if (transport != null) {
      transport.stop(Duration.ZERO);
      transport = null;
    }
    for (Agent agent : agents.values()) {
      synchronized (agent) {
        agent.connection = null;
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public List<String> agentIds() {
    return List.copyOf(order);
  }

  @Override
  public Optional<AgentView> agent(String instanceUid) {
    Agent agent = agents.get(InstanceUid.parse(instanceUid));
    if (agent == null) {
      return Optional.empty();
    }
    synchronized (agent) {
      return Optional.of(view(agent));
    }
  }

  /** Returns how many remote config offers were sent to the agent. */
  public int offersSent(String instanceUid) {
    Agent agent = agents.get(InstanceUid.parse(instanceUid));
    if (agent == null) {
      return 0;
    }
    synchronized (agent) {
      return agent.offersSent;
    }
  }

  /** Returns {@link System#nanoTime()} when the agent's first message arrived, or 0. */
  public long firstContactNanos(String instanceUid) {
    Agent agent = agents.get(InstanceUid.parse(instanceUid));
    return agent == null ? 0 : agent.firstContactNanos;
  }

  /** Forgets every agent (for measurements that restart from scratch). */
  public void forgetAgents() {
    agents.clear();
    order.clear();
  }

  @Override
  public String offerConfig(String instanceUid, Map<String, String> files) {
    AgentConfigMap.Builder map = AgentConfigMap.newBuilder();
    StringBuilder text = new StringBuilder();
    new TreeMap<>(files)
        .forEach(
            (name, body) -> {
              map.putConfigMap(
                  name,
                  AgentConfigFile.newBuilder()
                      .setBody(ByteString.copyFrom(body, StandardCharsets.UTF_8))
                      .setContentType("text/yaml")
                      .build());
              text.append(name).append('\0').append(body).append('\0');
            });
    ByteString hash = ByteString.copyFrom(sha256(text.toString()));
    AgentRemoteConfig config =
        AgentRemoteConfig.newBuilder().setConfig(map).setConfigHash(hash).build();
    Agent agent = agents.computeIfAbsent(InstanceUid.parse(instanceUid), uid -> newAgent(uid));
    AgentConnection connection;
    synchronized (agent) {
      agent.desired = config;
      agent.offersSent++;
      connection = agent.connection;
    }
    if (connection != null && connection.isOpen()) {
      connection.send(ServerToAgent.newBuilder().setRemoteConfig(config).build());
    }
    return HexFormat.of().formatHex(hash.toByteArray());
  }

  /** Offers an {@code own_metrics} destination (OT-01) to a connected agent. */
  public void offerOwnMetrics(String instanceUid, String endpoint) {
    connectionOf(instanceUid)
        .send(
            ServerToAgent.newBuilder()
                .setConnectionSettings(
                    ConnectionSettingsOffers.newBuilder()
                        .setHash(ByteString.copyFrom(sha256(endpoint)))
                        .setOwnMetrics(
                            TelemetryConnectionSettings.newBuilder()
                                .setDestinationEndpoint(endpoint)))
                .build());
  }

  @Override
  public void restart(String instanceUid) {
    AgentConnection connection = connectionOf(instanceUid);
    connection.send(
        ServerToAgent.newBuilder()
            .setCommand(ServerToAgentCommand.newBuilder().setType(CommandType.CommandType_Restart))
            .build());
  }

  @Override
  public boolean canAssignInstanceUid() {
    return true;
  }

  @Override
  public void assignInstanceUid(String instanceUid, String newInstanceUid) {
    AgentConnection connection = connectionOf(instanceUid);
    Agent old = agents.get(InstanceUid.parse(instanceUid));
    Agent moved = agents.computeIfAbsent(InstanceUid.parse(newInstanceUid), this::newAgent);
    synchronized (old) {
      synchronized (moved) {
        moved.desired = old.desired;
      }
    }
    connection.assignInstanceUid(InstanceUid.parse(newInstanceUid));
  }

  private AgentConnection connectionOf(String instanceUid) {
    Agent agent = agents.get(InstanceUid.parse(instanceUid));
    AgentConnection connection = null;
    if (agent != null) {
      synchronized (agent) {
        connection = agent.connection;
      }
    }
    if (connection == null || !connection.isOpen()) {
      throw new IllegalStateException("agent " + instanceUid + " is not connected");
    }
    return connection;
  }

  private Agent newAgent(InstanceUid uid) {
    order.add(uid.toString());
    return new Agent(uid.toString());
  }

  private final class Callbacks implements ConnectionCallbacks {
    @Override
    public @Nullable ServerToAgent onMessage(AgentConnection connection, AgentToServer message) {
      InstanceUid uid = connection.instanceUid();
      Agent agent = agents.computeIfAbsent(uid, ScriptedUpstream.this::newAgent);
      ServerToAgent.Builder reply = ServerToAgent.newBuilder();
      boolean any = false;
      synchronized (agent) {
        agent.connection = connection;
        if (message.hasAgentDisconnect()) {
          agent.connection = null;
        }
        if (message.getCapabilities() != 0) {
          agent.capabilities = message.getCapabilities();
        }
        if (message.hasAgentDescription()) {
          agent.description = message.getAgentDescription();
        }
        if (message.hasHealth()) {
          agent.health = message.getHealth();
        }
        if (message.hasEffectiveConfig()) {
          AgentConfigFile file =
              message.getEffectiveConfig().getConfigMap().getConfigMapMap().get("");
          agent.effective = file == null ? "" : file.getBody().toString(StandardCharsets.UTF_8);
        }
        if (message.hasRemoteConfigStatus()) {
          agent.status = message.getRemoteConfigStatus();
          agent.history.add(message.getRemoteConfigStatus());
        }
        if (message.hasAvailableComponents()) {
          var components = message.getAvailableComponents();
          if (components.getComponentsCount() > 0) {
            Map<String, Set<String>> kinds = new TreeMap<>();
            components
                .getComponentsMap()
                .forEach(
                    (kind, details) ->
                        kinds.put(kind, new TreeSet<>(details.getSubComponentMapMap().keySet())));
            agent.components = kinds;
          } else if (agent.components.isEmpty()) {
            reply.setFlags(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents_VALUE);
            any = true;
          }
        }
        AgentRemoteConfig desired = agent.desired;
        boolean acceptsRemote = AgentCapability.ACCEPTS_REMOTE_CONFIG.isSetIn(agent.capabilities);
        if (desired != null
            && acceptsRemote
            && !message.hasAgentDisconnect()
            && (agent.status == null
                || !agent.status.getLastRemoteConfigHash().equals(desired.getConfigHash()))) {
          reply.setRemoteConfig(desired);
          agent.offersSent++;
          any = true;
        }
      }
      return any ? reply.build() : null;
    }

    @Override
    public void onConnectionClosed(AgentConnection connection, CloseReason reason) {
      Agent agent = agents.get(connection.instanceUid());
      if (agent != null) {
        synchronized (agent) {
          if (agent.connection == connection) {
            agent.connection = null;
          }
        }
      }
    }
  }

  private static AgentView view(Agent agent) {
    AgentView.Health health = null;
    if (agent.health != null) {
      Map<String, String> attributes = new LinkedHashMap<>();
      for (KeyValue kv : agent.health.getAttributesList()) {
        attributes.put(kv.getKey(), text(kv.getValue()));
      }
      health =
          new AgentView.Health(
              agent.health.getHealthy(),
              agent.health.getStatus(),
              agent.health.getLastError(),
              agent.health.getStartTimeUnixNano(),
              attributes);
    }
    List<AgentView.ConfigStatus> history = new ArrayList<>();
    for (RemoteConfigStatus s : agent.history) {
      history.add(status(s));
    }
    Set<String> capabilities = new LinkedHashSet<>();
    for (AgentCapability c : AgentCapability.BITMASK.toSet(agent.capabilities)) {
      capabilities.add(c.name());
    }
    AgentConnection connection = agent.connection;
    return new AgentView(
        agent.id,
        connection != null && connection.isOpen(),
        attributes(agent.description.getIdentifyingAttributesList()),
        attributes(agent.description.getNonIdentifyingAttributesList()),
        health,
        agent.effective,
        agent.status == null ? null : status(agent.status),
        List.copyOf(history),
        agent.components,
        capabilities);
  }

  private static AgentView.ConfigStatus status(RemoteConfigStatus s) {
    return new AgentView.ConfigStatus(
        HexFormat.of().formatHex(s.getLastRemoteConfigHash().toByteArray()),
        s.getStatus().name().replace("RemoteConfigStatuses_", ""),
        s.getErrorMessage());
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    Map<String, String> out = new TreeMap<>();
    for (KeyValue kv : list) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return out;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
