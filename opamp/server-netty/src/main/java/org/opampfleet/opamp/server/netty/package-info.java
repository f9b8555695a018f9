/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The OpAMP transport on Netty: one listener and one path serve WebSocket agents and plain-HTTP
 * polling agents, with TLS and mTLS, admission control, message limits, idle and slow-client
 * protection, and graceful shutdown.
 *
 * <pre>{@code
 * OpampServer server = OpampServer.builder().callbacks(request -> accept(myCallbacks)).build();
 * NettyTransport transport = NettyTransport.builder(server).port(4320).build();
 * transport.start();
 * ...
 * transport.stop(Duration.ofSeconds(10));
 * }</pre>
 */
package org.opampfleet.opamp.server.netty;
