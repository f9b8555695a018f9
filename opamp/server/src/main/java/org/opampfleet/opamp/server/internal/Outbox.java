/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;

/**
 * The one pending {@code ServerToAgent} of an agent: latest state wins (ST-18, ER-11).
 *
 * <p>Each part a newer message sets replaces the same part of the pending one (never a protobuf
 * merge, which would concatenate lists and merge maps); flags accumulate. A command waits in a slot
 * of its own because it must travel alone (CM-02). Memory is bounded by one message per agent
 * whatever the send rate.
 *
 * <p>Internal; not API; may change without notice. Not thread-safe: the owning session guards it.
 */
final class Outbox {
  private ServerToAgent.@Nullable Builder pending;
  private @Nullable ServerToAgentCommand command;

  /**
   * Adds a message's parts; returns how many pending parts it replaced before they were sent.
   * {@code instance_uid} and {@code capabilities} are ignored: the session sets them.
   */
  int add(ServerToAgent message) {
    int replaced = 0;
    if (message.hasCommand()) {
      replaced += command != null ? 1 : 0;
      command = message.getCommand();
    }
    if (hasParts(message)) {
      if (pending == null) {
        pending = ServerToAgent.newBuilder();
      }
      replaced += applyParts(pending, message);
    }
    return replaced;
  }

  /** Returns whether anything waits, a command included. */
  boolean isEmpty() {
    return pending == null && command == null;
  }

  /** Returns whether parts other than a command wait. */
  boolean hasParts() {
    return pending != null;
  }

  /**
   * Moves the pending parts (not the command) into {@code target}, replacing the same parts there
   * and adding flags.
   */
  void drainInto(ServerToAgent.Builder target) {
    if (pending != null) {
      applyParts(target, pending.build());
      pending = null;
    }
  }

  /** Takes the waiting command, if any. */
  @Nullable ServerToAgentCommand takeCommand() {
    ServerToAgentCommand c = command;
    command = null;
    return c;
  }

  /**
   * Sets in {@code target} every part {@code parts} sets, replacing what was there, and adds its
   * flags. Ignores {@code instance_uid}, {@code capabilities} and {@code command}. Returns how many
   * parts were replaced.
   */
  static int applyParts(ServerToAgent.Builder target, ServerToAgent parts) {
    int replaced = 0;
    if (parts.hasErrorResponse()) {
      replaced += target.hasErrorResponse() ? 1 : 0;
      target.setErrorResponse(parts.getErrorResponse());
    }
    if (parts.hasRemoteConfig()) {
      replaced += target.hasRemoteConfig() ? 1 : 0;
      target.setRemoteConfig(parts.getRemoteConfig());
    }
    if (parts.hasConnectionSettings()) {
      replaced += target.hasConnectionSettings() ? 1 : 0;
      target.setConnectionSettings(parts.getConnectionSettings());
    }
    if (parts.hasPackagesAvailable()) {
      replaced += target.hasPackagesAvailable() ? 1 : 0;
      target.setPackagesAvailable(parts.getPackagesAvailable());
    }
    if (parts.hasAgentIdentification()) {
      replaced += target.hasAgentIdentification() ? 1 : 0;
      target.setAgentIdentification(parts.getAgentIdentification());
    }
    if (parts.hasCustomCapabilities()) {
      replaced += target.hasCustomCapabilities() ? 1 : 0;
      target.setCustomCapabilities(parts.getCustomCapabilities());
    }
    if (parts.hasCustomMessage()) {
      replaced += target.hasCustomMessage() ? 1 : 0;
      target.setCustomMessage(parts.getCustomMessage());
    }
    target.setFlags(target.getFlags() | parts.getFlags());
    return replaced;
  }

  private static boolean hasParts(ServerToAgent m) {
    return m.hasErrorResponse()
        || m.hasRemoteConfig()
        || m.hasConnectionSettings()
        || m.hasPackagesAvailable()
        || m.hasAgentIdentification()
        || m.hasCustomCapabilities()
        || m.hasCustomMessage()
        || m.getFlags() != 0;
  }
}
