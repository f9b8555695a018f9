/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The agent side of OpAMP: {@link org.opampfleet.opamp.client.OpampClient}, built with {@link
 * org.opampfleet.opamp.client.OpampClientBuilder}, reports an agent's state to an OpAMP server over
 * WebSocket or plain HTTP and delivers what the server sends to {@link
 * org.opampfleet.opamp.client.ClientCallbacks}.
 *
 * <p>The public API is this package and {@code org.opampfleet.opamp.client.packages}; {@code
 * org.opampfleet.opamp.client.internal} is not API. Arguments are never null unless a method says
 * so; a null argument fails at once with a {@link NullPointerException} naming it.
 */
package org.opampfleet.opamp.client;
