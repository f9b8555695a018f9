/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.server.netty.TlsSettings;

/**
 * The validated settings of a Netty transport. Internal; not API; may change without notice.
 *
 * @param webSocketCompression whether permessage-deflate is offered
 */
public record TransportSettings(
    String host,
    int port,
    String path,
    int ioThreads,
    @Nullable TlsSettings tls,
    Duration certificateReloadInterval,
    MessageLimits messageLimits,
    int maxConnections,
    double acceptRatePerSecond,
    int acceptBurst,
    Duration retryAfter,
    Duration handshakeTimeout,
    Duration keepAliveTimeout,
    boolean webSocketCompression,
    int writeBufferLowWaterMark,
    int writeBufferHighWaterMark,
    OpenTelemetry openTelemetry) {}
