/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Creates UUIDv7 instance UIDs (RFC 9562): a 48-bit Unix millisecond timestamp, then random bits.
 *
 * <p>The UIDs one generator returns are strictly increasing, even when the clock stands still or
 * steps back: within one millisecond the 12 bits after the version act as a counter that starts at
 * a random value below 2048 (RFC 9562, section 6.2, method 1), and when it runs out the timestamp
 * is advanced by one millisecond. The remaining 62 bits are fresh random bits for every UID.
 *
 * <p><b>Thread safety:</b> thread-safe; {@link #next()} is synchronized.
 */
public final class InstanceUidGenerator {
  private static final long MAX_TIMESTAMP = (1L << 48) - 1;
  private static final int COUNTER_BITS = 12;
  private static final int MAX_COUNTER = (1 << COUNTER_BITS) - 1;

  private static final class SystemHolder {
    static final InstanceUidGenerator INSTANCE =
        new InstanceUidGenerator(Clock.systemUTC(), new SecureRandom());
  }

  private final Clock clock;
  private final RandomGenerator random;

  // Guarded by this.
  private long lastTimestamp = -1;
  private int counter;

  private InstanceUidGenerator(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  /** Returns the generator that reads the system clock and a {@link SecureRandom}. */
  public static InstanceUidGenerator system() {
    return SystemHolder.INSTANCE;
  }

  /**
   * Returns a generator with its own clock and random source, e.g. a fixed clock and seeded random
   * in tests.
   */
  public static InstanceUidGenerator create(Clock clock, RandomGenerator random) {
    return new InstanceUidGenerator(
        requireNonNull(clock, "clock"), requireNonNull(random, "random"));
  }

  /** Returns a new UUIDv7 instance UID, greater than every one this generator returned before. */
  public synchronized InstanceUid next() {
    long now = clock.millis();
    if (now < 0 || now > MAX_TIMESTAMP) {
      throw new IllegalStateException(
          "clock reads " + now + " ms since the epoch (expected: 0 to " + MAX_TIMESTAMP + ")");
    }
    if (now > lastTimestamp) {
      lastTimestamp = now;
      counter = random.nextInt(1 << (COUNTER_BITS - 1));
    } else if (counter < MAX_COUNTER) {
      counter++;
    } else {
      lastTimestamp++;
      counter = random.nextInt(1 << (COUNTER_BITS - 1));
    }
    long msb = (lastTimestamp << 16) | (0x7L << 12) | counter;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return InstanceUid.of(msb, lsb);
  }
}
