/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.opampfleet.opamp.client.BackoffPolicy;
import org.opampfleet.opamp.client.Compression;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.client.packages.PackageSyncer;
import org.opampfleet.opamp.client.testing.RecordingCallbacks;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MessageLimits;

/**
 * Builds a {@link DefaultOpampClient} on a {@link FakeScheduler} and {@link FakeChannels}, so that
 * unit tests drive time and the server by hand.
 */
final class Harness {

  static final AgentDescription DESCRIPTION =
      AgentDescription.newBuilder()
          .addIdentifyingAttributes(
              KeyValue.newBuilder()
                  .setKey("service.name")
                  .setValue(AnyValue.newBuilder().setStringValue("io.example.agent")))
          .build();

  final FakeScheduler scheduler = new FakeScheduler();
  final FakeChannels channels = new FakeChannels();
  final RecordingCallbacks callbacks = new RecordingCallbacks();
  final InstanceUid uid = InstanceUid.of(0x0193a6f07b2c7d4eL, 0x9f102a3b4c5d6e7fL);
  Transport transport = Transport.WEBSOCKET;
  Set<AgentCapability> capabilities = EnumSet.allOf(AgentCapability.class);
  Set<AgentToServerFlag> flags = EnumSet.noneOf(AgentToServerFlag.class);
  Duration heartbeatInterval = Duration.ofSeconds(30);
  Duration pollingInterval = Duration.ofSeconds(30);
  Duration requestTimeout = Duration.ofSeconds(30);
  BackoffPolicy backoff =
      new BackoffPolicy(
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30));
  MessageLimits limits = MessageLimits.defaults();
  Supplier<EffectiveConfig> effectiveConfig = EffectiveConfig::getDefaultInstance;
  PackageSyncer packageSyncer;
  java.util.concurrent.Executor callbackExecutor;
  DefaultOpampClient client;

  Harness(Transport transport) {
    this.transport = transport;
    channels.clock = scheduler::elapsed;
  }

  /**
   * Makes the server send a message: pushed on the WebSocket, or returned as the answer to the next
   * poll, which the harness triggers by advancing time by the polling interval.
   */
  void serverSends(org.opampfleet.opamp.protocol.ServerToAgent message) {
    if (transport == Transport.WEBSOCKET) {
      channel().push(message);
      runUntilIdle();
      return;
    }
    java.util.concurrent.atomic.AtomicBoolean used =
        new java.util.concurrent.atomic.AtomicBoolean();
    channels.responder =
        sent ->
            java.util.concurrent.CompletableFuture.completedFuture(
                java.util.Optional.of(
                    used.compareAndSet(false, true) ? message : channels.defaultReply));
    advance(pollingInterval);
    channels.responder = null;
  }

  /** Returns the messages sent so far. */
  java.util.List<org.opampfleet.opamp.protocol.AgentToServer> sent() {
    return channels.sent;
  }

  DefaultOpampClient build() {
    URI uri =
        URI.create(
            (transport == Transport.WEBSOCKET ? "ws" : "http") + "://127.0.0.1:4320/v1/opamp");
    ClientConfig config =
        new ClientConfig(
            uri,
            transport,
            uid,
            DESCRIPTION,
            withImpliedCapabilities(),
            flags,
            callbacks,
            effectiveConfig,
            Map.of("Authorization", "Bearer secret"),
            null,
            null,
            null,
            null,
            null,
            heartbeatInterval,
            pollingInterval,
            Duration.ofSeconds(10),
            requestTimeout,
            scheduler,
            callbackExecutor,
            scheduler.clock(),
            new SplittableRandom(42),
            limits,
            backoff,
            Compression.NONE,
            packageSyncer);
    client = DefaultOpampClient.create(config, channels);
    return client;
  }

  private Set<AgentCapability> withImpliedCapabilities() {
    // As the builder does (GEN-03, GEN-12).
    EnumSet<AgentCapability> all = EnumSet.noneOf(AgentCapability.class);
    all.addAll(capabilities);
    all.add(AgentCapability.REPORTS_STATUS);
    if (!heartbeatInterval.isZero()) {
      all.add(AgentCapability.REPORTS_HEARTBEAT);
    }
    return all;
  }

  /** Builds (if needed) and starts the client, then runs what is due. */
  DefaultOpampClient start() {
    if (client == null) {
      build();
    }
    client.start();
    scheduler.runUntilIdle();
    return client;
  }

  FakeChannels.FakeChannel channel() {
    return channels.last();
  }

  void advance(Duration duration) {
    scheduler.advance(duration);
  }

  void runUntilIdle() {
    scheduler.runUntilIdle();
  }
}
