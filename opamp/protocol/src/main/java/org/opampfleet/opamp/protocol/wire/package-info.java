/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The OpAMP wire vocabulary that clients and servers share: {@link
 * org.opampfleet.opamp.protocol.wire.InstanceUid instance UIDs}, capability and flag sets as enums
 * with {@link org.opampfleet.opamp.protocol.wire.Bitmask bitmask} conversion, the {@link
 * org.opampfleet.opamp.protocol.wire.WebSocketFraming WebSocket message header} and {@link
 * org.opampfleet.opamp.protocol.wire.MessageLimits message size limits}.
 *
 * <p>Every type here is immutable and thread-safe unless its documentation says otherwise.
 * Malformed input from a peer is reported with a {@link
 * org.opampfleet.opamp.protocol.wire.MalformedMessageException} that names what was wrong, never
 * with an unchecked exception from deep inside protobuf.
 */
package org.opampfleet.opamp.protocol.wire;
