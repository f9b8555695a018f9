/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.server.AgentConnection;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionCallbacks;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.ServerCallbacks;
import org.opampfleet.opamp.server.TransportKind;

/**
 * The bench server's application: the least a control plane does with what agents report. It keeps
 * each agent's latest status in a {@link ConcurrentHashMap} (description, health, the hash of its
 * effective config, its remote config status) and offers the current remote config to agents that
 * do not have it (RC-03); {@link #rollout} makes a new config current and pushes it to every
 * connected agent.
 *
 * <p>Effective configs are kept as a SHA-256 hash, not their text: a control plane stores them
 * content-addressed, so the text is not per-agent memory.
 *
 * <p><b>Thread safety:</b> thread-safe. Callbacks run on the agents' event loops and only touch
 * their own agent's record; counters are adders.
 */
final class BenchApplication implements ServerCallbacks, ConnectionCallbacks {

  /** What the application remembers of one agent. Fields are written by that agent's loop. */
  static final class AgentRecord {
    volatile @Nullable AgentDescription description;
    volatile @Nullable ComponentHealth health;
    volatile @Nullable ByteString effectiveConfigHash;
    volatile @Nullable RemoteConfigStatus remoteConfigStatus;
    volatile @Nullable ByteString offeredConfigHash;
    volatile long lastSeenMillis;
    volatile boolean connected;
  }

  /** The current remote config and the message that offers it. */
  private record Offer(ByteString hash, ServerToAgent message, long version) {}

  private final ConcurrentHashMap<InstanceUid, AgentRecord> agents = new ConcurrentHashMap<>();
  private final EnumMap<TransportKind, AtomicInteger> connected =
      new EnumMap<>(TransportKind.class);
  private final EnumMap<CloseReason, LongAdder> closes = new EnumMap<>(CloseReason.class);
  private final LongAdder messages = new LongAdder();
  private final LongAdder offers = new LongAdder();
  private final LongAdder applied = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicReference<@Nullable Offer> current = new AtomicReference<>();
  private final AtomicLong versions = new AtomicLong();
  private volatile @Nullable OpampServer server;

  private final ServeSettings.Registry registry;

  BenchApplication(ServeSettings.Registry registry) {
    this.registry = registry;
    for (TransportKind kind : TransportKind.values()) {
      connected.put(kind, new AtomicInteger());
    }
    for (CloseReason reason : CloseReason.values()) {
      closes.put(reason, new LongAdder());
    }
  }

  /** Sets the server whose agents {@link #rollout} pushes to (again after a restart). */
  void attach(OpampServer server) {
    this.server = server;
  }

  @Override
  public ConnectionDecision onConnecting(ConnectionRequest request) {
    return ConnectionDecision.accept(this);
  }

  @Override
  public void onConnected(AgentConnection connection) {
    connected.get(connection.transport()).incrementAndGet();
    agents.computeIfAbsent(connection.instanceUid(), uid -> new AgentRecord()).connected = true;
  }

  @Override
  public @Nullable ServerToAgent onMessage(AgentConnection connection, AgentToServer message) {
    messages.increment();
    AgentRecord record = agents.computeIfAbsent(connection.instanceUid(), uid -> new AgentRecord());
    record.lastSeenMillis = System.currentTimeMillis();
    if (registry == ServeSettings.Registry.FULL) {
      if (message.hasAgentDescription()) {
        record.description = message.getAgentDescription();
      }
      if (message.hasHealth()) {
        record.health = message.getHealth();
      }
      if (message.hasEffectiveConfig()) {
        record.effectiveConfigHash = sha256(message.getEffectiveConfig().toByteString());
      }
    }
    if (message.hasRemoteConfigStatus()) {
      RemoteConfigStatus status = message.getRemoteConfigStatus();
      RemoteConfigStatus previous = record.remoteConfigStatus;
      record.remoteConfigStatus = status;
      Offer offer = current.get();
      boolean changed =
          previous == null
              || previous.getStatus() != status.getStatus()
              || !previous.getLastRemoteConfigHash().equals(status.getLastRemoteConfigHash());
      if (offer != null && changed && status.getLastRemoteConfigHash().equals(offer.hash())) {
        if (status.getStatus() == RemoteConfigStatuses.RemoteConfigStatuses_APPLIED) {
          applied.increment();
        } else if (status.getStatus() == RemoteConfigStatuses.RemoteConfigStatuses_FAILED) {
          failed.increment();
        }
      }
    }
    // RC-03: offer the current config to an agent that reports another one (once per config).
    Offer offer = current.get();
    if (offer != null && connection.hasCapability(AgentCapability.ACCEPTS_REMOTE_CONFIG)) {
      RemoteConfigStatus status = record.remoteConfigStatus;
      boolean has = status != null && status.getLastRemoteConfigHash().equals(offer.hash());
      if (!has && !offer.hash().equals(record.offeredConfigHash)) {
        record.offeredConfigHash = offer.hash();
        offers.increment();
        return offer.message();
      }
    }
    return null;
  }

  @Override
  public void onConnectionClosed(AgentConnection connection, CloseReason reason) {
    connected.get(connection.transport()).decrementAndGet();
    closes.get(reason).increment();
    AgentRecord record = agents.get(connection.instanceUid());
    if (record != null) {
      record.connected = false;
      record.offeredConfigHash = null; // a new connection is offered the config again if needed
    }
  }

  /** Makes a new config of about {@code bytes} current and pushes it to every connected agent. */
  String rollout(int bytes) {
    long started = System.nanoTime();
    long version = versions.incrementAndGet();
    StringBuilder yaml =
        new StringBuilder("# rollout ").append(version).append(" from the bench server\n");
    yaml.append("processors:\n  attributes/rollout:\n    actions:\n");
    int i = 0;
    while (yaml.length() < bytes) {
      yaml.append("      - key: rollout.")
          .append(version)
          .append(".attribute.")
          .append(i++)
          .append("\n        value: v\n        action: upsert\n");
    }
    ByteString body = ByteString.copyFrom(yaml.toString(), StandardCharsets.UTF_8);
    ByteString hash = sha256(body);
    ServerToAgent message =
        ServerToAgent.newBuilder()
            .setRemoteConfig(
                AgentRemoteConfig.newBuilder()
                    .setConfigHash(hash)
                    .setConfig(
                        AgentConfigMap.newBuilder()
                            .putConfigMap(
                                "rollout.yaml",
                                AgentConfigFile.newBuilder()
                                    .setBody(body)
                                    .setContentType("text/yaml")
                                    .build())))
            .build();
    applied.reset();
    failed.reset();
    current.set(new Offer(hash, message, version));
    int pushed = 0;
    OpampServer s = server;
    if (s != null) {
      for (AgentConnection connection : s.agents()) {
        if (connection.hasCapability(AgentCapability.ACCEPTS_REMOTE_CONFIG)) {
          AgentRecord record =
              agents.computeIfAbsent(connection.instanceUid(), uid -> new AgentRecord());
          record.offeredConfigHash = hash;
          connection.send(message);
          pushed++;
        }
      }
    }
    offers.add(pushed);
    return String.format(
        Locale.ROOT,
        "{\"version\":%d,\"config_hash\":\"%s\",\"config_bytes\":%d,\"agents\":%d,\"push_ms\":%.3f}",
        version,
        hex(hash),
        body.size(),
        pushed,
        (System.nanoTime() - started) / 1e6);
  }

  /** Appends the application's metrics. */
  void appendMetrics(StringBuilder out) {
    connected.forEach(
        (kind, n) ->
            ProcessMetrics.gauge(
                out,
                "opamp_server_agents_connected",
                "{transport=\"" + kind.name().toLowerCase(Locale.ROOT) + "\"}",
                n.get()));
    ProcessMetrics.gauge(out, "opampfleet_bench_agents_known", "", agents.size());
    ProcessMetrics.counter(out, "opampfleet_bench_messages_received_total", "", messages.sum());
    ProcessMetrics.counter(out, "opampfleet_bench_remote_config_offers_total", "", offers.sum());
    Offer offer = current.get();
    ProcessMetrics.gauge(
        out, "opampfleet_bench_rollout_version", "", offer == null ? 0 : offer.version());
    ProcessMetrics.gauge(out, "opampfleet_bench_rollout_applied", "", applied.sum());
    ProcessMetrics.gauge(out, "opampfleet_bench_rollout_failed", "", failed.sum());
    closes.forEach(
        (reason, n) ->
            ProcessMetrics.counter(
                out,
                "opampfleet_bench_connections_closed_total",
                "{reason=\"" + reason.name().toLowerCase(Locale.ROOT) + "\"}",
                n.sum()));
  }

  private static ByteString sha256(ByteString bytes) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes.asReadOnlyByteBuffer());
      return ByteString.copyFrom(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static String hex(ByteString bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.size(); i++) {
      out.append(String.format("%02x", bytes.byteAt(i) & 0xFF));
    }
    return out.toString();
  }
}
