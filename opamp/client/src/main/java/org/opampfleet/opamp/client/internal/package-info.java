/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The implementation of the OpAMP client: the connection state machine ({@link
 * org.opampfleet.opamp.client.internal.DefaultOpampClient}), status compression ({@link
 * org.opampfleet.opamp.client.internal.PendingMessage}, {@link
 * org.opampfleet.opamp.client.internal.ReportedState}), the WebSocket and plain-HTTP channels on
 * {@code java.net.http}, backoff and TLS material.
 *
 * <p>Internal; not API; may change without notice. Nothing here appears in a public signature.
 */
package org.opampfleet.opamp.client.internal;
