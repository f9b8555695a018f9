/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import org.opampfleet.opamp.protocol.AgentToServerFlags;

/**
 * A flag an agent sets in {@code AgentToServer.flags}.
 *
 * <p>The bits are those of the specification's {@code AgentToServerFlags} enum; convert a whole
 * {@code AgentToServer.flags} field with {@link #BITMASK}.
 */
public enum AgentToServerFlag implements BitFlag {
  /** Asks the server to assign a new instance UID. */
  REQUEST_INSTANCE_UID(AgentToServerFlags.AgentToServerFlags_RequestInstanceUid_VALUE);

  /** Converts {@code AgentToServer.flags} masks to and from sets of this enum. */
  public static final Bitmask<AgentToServerFlag> BITMASK = Bitmask.of(AgentToServerFlag.class);

  private final long bit;

  AgentToServerFlag(long bit) {
    this.bit = bit;
  }

  @Override
  public long bit() {
    return bit;
  }
}
