/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.opampfleet.opamp.client.BackoffPolicy;
import org.opampfleet.opamp.client.ClientCallbacks;
import org.opampfleet.opamp.client.Compression;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.client.packages.PackageSyncer;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MessageLimits;

/**
 * The validated settings of one client, as the builder produced them. Fields documented as optional
 * are null when unset.
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> immutable once built (the collections are unmodifiable copies).
 */
public record ClientConfig(
    URI serverUri,
    Transport transport,
    InstanceUid instanceUid,
    AgentDescription agentDescription,
    Set<AgentCapability> capabilities,
    Set<AgentToServerFlag> flags,
    ClientCallbacks callbacks,
    Supplier<EffectiveConfig> effectiveConfigSupplier,
    Map<String, String> headers,
    Supplier<Map<String, String>> headerSupplier,
    X509TrustManager trustManager,
    X509KeyManager keyManager,
    HttpClient sharedHttpClient,
    InetSocketAddress proxy,
    Duration heartbeatInterval,
    Duration pollingInterval,
    Duration connectTimeout,
    Duration requestTimeout,
    ScheduledExecutorService executor,
    Executor callbackExecutor,
    Clock clock,
    RandomGenerator random,
    MessageLimits messageLimits,
    BackoffPolicy backoff,
    Compression requestCompression,
    PackageSyncer packageSyncer) {}
