/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceCheckTest {

  @Test
  void acceptsAnyNumberForTheFirstMessage() {
    assertThat(SequenceCheck.of(false, 0, 0)).isEqualTo(SequenceCheck.FIRST);
    assertThat(SequenceCheck.of(false, 0, 12345)).isEqualTo(SequenceCheck.FIRST);
  }

  @Test
  void classifiesNextDuplicateAndGap() {
    // ST-11, ST-16, A-07.
    assertThat(SequenceCheck.of(true, 41, 42)).isEqualTo(SequenceCheck.NEXT);
    assertThat(SequenceCheck.of(true, 42, 42)).isEqualTo(SequenceCheck.DUPLICATE);
    assertThat(SequenceCheck.of(true, 42, 44)).isEqualTo(SequenceCheck.GAP);
    assertThat(SequenceCheck.of(true, 42, 41))
        .as("an agent that restarted")
        .isEqualTo(SequenceCheck.GAP);
  }

  @Test
  void treatsSequenceNumbersAsUnsigned() {
    // P-23: uint64 wraps from the largest value to 0.
    assertThat(SequenceCheck.of(true, -1L, 0)).isEqualTo(SequenceCheck.NEXT);
    assertThat(SequenceCheck.of(true, Long.MAX_VALUE, Long.MIN_VALUE))
        .isEqualTo(SequenceCheck.NEXT);
  }
}
