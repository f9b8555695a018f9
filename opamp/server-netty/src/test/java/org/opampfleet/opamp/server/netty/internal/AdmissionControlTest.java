/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdmissionControlTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void admitsABurstThenRefillsAtTheRate() {
    AdmissionControl admission = new AdmissionControl(100, 10, 3, now::get);

    assertThat(admission.tryAdmit()).isTrue();
    assertThat(admission.tryAdmit()).isTrue();
    assertThat(admission.tryAdmit()).isTrue();
    assertThat(admission.tryAdmit()).as("burst used up").isFalse();

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // 10/s: one token per 100 ms
    assertThat(admission.tryAdmit()).isTrue();
    assertThat(admission.tryAdmit()).isFalse();

    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    int admitted = 0;
    while (admission.tryAdmit()) {
      admitted++;
    }
    assertThat(admitted).as("never more than the burst after a quiet minute").isEqualTo(3);
  }

  @Test
  void countsOpenConnectionsAgainstTheLimit() {
    AdmissionControl admission = new AdmissionControl(2, 10, 3, now::get);

    assertThat(admission.connectionOpened()).isTrue();
    assertThat(admission.connectionOpened()).isTrue();
    assertThat(admission.connectionOpened()).isFalse();
    admission.connectionClosed();
    admission.connectionClosed();
    assertThat(admission.openConnections()).isOne();
    assertThat(admission.connectionOpened()).isTrue();
  }
}
