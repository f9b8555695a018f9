/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Servers to measure against: the bench server (our {@code OpampServer} on {@code NettyTransport}
 * with a minimal in-memory application) and the floor (a bare Netty WebSocket server with no OpAMP
 * logic), both with an admin endpoint: {@code /metrics} in Prometheus text, {@code POST /rollout}
 * and, for the bench server, {@code POST /restart}.
 */
package org.opampfleet.tests.load.bench;
