/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import org.opampfleet.opamp.protocol.ServerToAgentFlags;

/**
 * A flag a server sets in {@code ServerToAgent.flags}.
 *
 * <p>The bits are those of the specification's {@code ServerToAgentFlags} enum; convert a whole
 * {@code ServerToAgent.flags} field with {@link #BITMASK}.
 */
public enum ServerToAgentFlag implements BitFlag {
  /** Asks the agent to send every status part next time, none omitted as unchanged. */
  REPORT_FULL_STATE(ServerToAgentFlags.ServerToAgentFlags_ReportFullState_VALUE),
  /** Asks the agent to send its full map of available components. */
  REPORT_AVAILABLE_COMPONENTS(
      ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents_VALUE);

  /** Converts {@code ServerToAgent.flags} masks to and from sets of this enum. */
  public static final Bitmask<ServerToAgentFlag> BITMASK = Bitmask.of(ServerToAgentFlag.class);

  private final long bit;

  ServerToAgentFlag(long bit) {
    this.bit = bit;
  }

  @Override
  public long bit() {
    return bit;
  }
}
