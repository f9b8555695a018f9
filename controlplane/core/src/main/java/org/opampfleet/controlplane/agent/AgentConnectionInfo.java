/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The agent's connection as the server last saw it.
 *
 * @param connected whether a connection (a WebSocket, or an HTTP polling session) is open
 * @param transport how it is or was connected
 * @param remoteAddress the peer address, e.g. {@code 10.0.3.7:51234}
 * @param connectedAt when the current (or last) connection started
 * @param disconnectedAt when the last connection ended; null while connected
 * @param closeReason why the last connection ended, e.g. {@code AGENT_DISCONNECTED}; null while
 *     connected
 */
public record AgentConnectionInfo(
    boolean connected,
    Transport transport,
    String remoteAddress,
    Instant connectedAt,
    @Nullable Instant disconnectedAt,
    @Nullable String closeReason) {}
