/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The contract between the OpAMP server engine and a transport that carries its messages.
 *
 * <p>A transport accepts connections, asks the engine whether to admit each one ({@link
 * org.opampfleet.opamp.server.spi.TransportSupport#admit}), decodes messages and hands them to the
 * {@link org.opampfleet.opamp.server.spi.InboundHandler} the engine returns, and implements {@link
 * org.opampfleet.opamp.server.spi.TransportConnection} so the engine can reply, push and close.
 * Applications never use this package.
 */
package org.opampfleet.opamp.server.spi;
