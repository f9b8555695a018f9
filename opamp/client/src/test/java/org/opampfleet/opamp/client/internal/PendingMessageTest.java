/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.ServerCapability;

/** Latest-state coalescing (ST-18, ER-11) and compression (ST-12 to ST-14). */
class PendingMessageTest {

  private static final InstanceUid UID = InstanceUid.of(1, 2);
  private static final long ALL = AgentCapability.BITMASK.knownBits();

  @Test
  void keepsOnlyTheLatestValueOfAPart() {
    PendingMessage pending = new PendingMessage(ALL, 0);
    pending.set(StatusPart.HEALTH, health("a"));
    pending.set(StatusPart.HEALTH, health("b"));
    pending.set(StatusPart.HEALTH, health("c"));

    AgentToServer message = pending.build(new ReportedState(), UID, 1, 0, false).message();

    assertThat(message.getHealth()).isEqualTo(health("c"));
  }

  @Test
  void leavesOutWhatTheServerAlreadyHasAndHasNoChangesThen() {
    PendingMessage pending = new PendingMessage(ALL, 0);
    ReportedState reported = new ReportedState();
    pending.set(StatusPart.HEALTH, health("a"));
    pending.commit(pending.build(reported, UID, 1, 0, false), reported);

    assertThat(pending.hasChanges(reported, 0)).isFalse();
    assertThat(pending.build(reported, UID, 2, 0, false).message().hasHealth()).isFalse();
  }

  @Test
  void putsEverythingBackWhenASendFails() {
    PendingMessage pending = new PendingMessage(ALL, 0);
    ReportedState reported = new ReportedState();
    pending.set(StatusPart.HEALTH, health("a"));
    CompletableFuture<Void> custom =
        pending.addCustomMessage(CustomMessage.newBuilder().setType("x").build());
    pending.requestFullState();
    PendingMessage.Outgoing failed = pending.build(reported, UID, 1, 0, false);
    pending.rollBack(failed);

    AgentToServer retry = pending.build(reported, UID, 2, 0, false).message();

    assertThat(retry.getHealth()).isEqualTo(health("a"));
    assertThat(retry.getCustomMessage().getType()).isEqualTo("x");
    assertThat(custom).isNotDone();
  }

  @Test
  void boundsTheCustomMessageQueue() {
    PendingMessage pending = new PendingMessage(ALL, 0);
    for (int i = 0; i < PendingMessage.MAX_PENDING_CUSTOM_MESSAGES; i++) {
      assertThat(pending.addCustomMessage(CustomMessage.getDefaultInstance())).isNotDone();
    }

    CompletableFuture<Void> overflow = pending.addCustomMessage(CustomMessage.getDefaultInstance());

    assertThat(overflow).isCompletedExceptionally();
  }

  @Test
  void withholdsPartsTheServerDoesNotAcceptUntilItDoes() {
    // GEN-07
    PendingMessage pending = new PendingMessage(ALL, 0);
    ReportedState reported = new ReportedState();
    pending.set(
        StatusPart.PACKAGE_STATUSES,
        PackageStatuses.newBuilder().setServerProvidedAllPackagesHash(ByteString.EMPTY).build());
    long statusOnly = ServerCapability.ACCEPTS_STATUS.bit();
    pending.commit(pending.build(reported, UID, 1, statusOnly, false), reported);

    assertThat(pending.hasChanges(reported, statusOnly)).isFalse();
    assertThat(pending.hasChanges(reported, ServerCapability.BITMASK.knownBits())).isTrue();
  }

  private static ComponentHealth health(String status) {
    return ComponentHealth.newBuilder().setHealthy(true).setStatus(status).build();
  }
}
