/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InstanceUidGeneratorTest {

  private static final long T0 = Instant.parse("2026-11-28T12:00:00Z").toEpochMilli();

  /** A clock whose reading the test sets; no sleeping, no real time. */
  private static final class SteppedClock extends Clock {
    long millis;

    SteppedClock(long millis) {
      this.millis = millis;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void createsVersion7UidsWithTheRfcVariantAndTheClocksTime() {
    InstanceUidGenerator generator =
        InstanceUidGenerator.create(new SteppedClock(T0), new Random(1));

    InstanceUid uid = generator.next();

    assertThat(uid.version()).isEqualTo(7);
    assertThat(uid.leastSignificantBits() >>> 62).as("variant bits 10").isEqualTo(0b10);
    assertThat(uid.unixTimeMillis()).isEqualTo(T0);
    assertThat(uid.toUuid().version()).isEqualTo(7);
    assertThat(uid.toUuid().variant()).isEqualTo(2);
  }

  @Test
  void ordersUidsByCreationTime() {
    SteppedClock clock = new SteppedClock(T0);
    InstanceUidGenerator generator = InstanceUidGenerator.create(clock, new Random(2));

    InstanceUid first = generator.next();
    clock.millis = T0 + 1;
    InstanceUid second = generator.next();
    clock.millis = T0 + 60_000;
    InstanceUid third = generator.next();

    assertThat(first).isLessThan(second);
    assertThat(second).isLessThan(third);
    // The text form sorts the same way, so logs and databases order them by time too.
    assertThat(first.toString()).isLessThan(second.toString());
  }

  @Test
  void staysStrictlyIncreasingWithinOneMillisecondBeyondTheCounterRange() {
    // 10,000 UIDs in one millisecond: more than the 12-bit counter holds, so the generator must
    // move the timestamp forward itself.
    InstanceUidGenerator generator =
        InstanceUidGenerator.create(new SteppedClock(T0), new Random(3));

    List<InstanceUid> uids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      uids.add(generator.next());
    }

    assertThat(uids).isSorted().doesNotHaveDuplicates();
    assertThat(uids.get(uids.size() - 1).unixTimeMillis()).isGreaterThan(T0);
  }

  @Test
  void staysStrictlyIncreasingWhenTheClockStepsBack() {
    SteppedClock clock = new SteppedClock(T0);
    InstanceUidGenerator generator = InstanceUidGenerator.create(clock, new Random(4));

    InstanceUid before = generator.next();
    clock.millis = T0 - 5_000;
    InstanceUid after = generator.next();

    assertThat(after).isGreaterThan(before);
  }

  @Test
  void systemGeneratorCreatesDistinctUids() {
    Set<InstanceUid> uids = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      uids.add(InstanceUid.generate());
    }

    assertThat(uids).hasSize(1_000).allSatisfy(uid -> assertThat(uid.version()).isEqualTo(7));
  }

  @Test
  void refusesAClockBeforeTheEpoch() {
    InstanceUidGenerator generator =
        InstanceUidGenerator.create(new SteppedClock(-1), new Random(5));

    assertThatThrownBy(generator::next)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clock reads -1 ms");
  }
}
