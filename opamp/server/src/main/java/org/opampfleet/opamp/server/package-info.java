/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The server side of OpAMP, independent of any transport.
 *
 * <p>An {@link org.opampfleet.opamp.server.OpampServer} does the protocol's session duties for
 * every agent (sequence numbers and full-state requests, capabilities in replies, instance UID echo
 * and assignment, disconnects, the latest-state-wins outbox) and calls the application's {@link
 * org.opampfleet.opamp.server.ConnectionCallbacks} with what agents report. A transport, such as
 * the Netty one in {@code opampfleet-opamp-server-netty}, carries the bytes.
 *
 * <p><b>Threading contract.</b> The callbacks of one agent connection are never invoked
 * concurrently, and always on that connection's {@linkplain
 * org.opampfleet.opamp.server.AgentConnection#executor() executor}: by default the transport's
 * event loop for the connection, which callbacks must not block; or, when the server is built with
 * a {@linkplain org.opampfleet.opamp.server.OpampServerBuilder#callbackExecutor callback executor},
 * a serial view of that executor, where callbacks may block without stalling any event loop. {@link
 * org.opampfleet.opamp.server.AgentConnection#send} may be called from any thread.
 */
package org.opampfleet.opamp.server;
