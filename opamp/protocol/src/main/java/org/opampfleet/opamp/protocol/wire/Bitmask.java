/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.EnumSet;
import java.util.StringJoiner;

/**
 * Converts between an OpAMP {@code uint64} bitmask field and an {@link EnumSet} of the bits it
 * names, for one enum of {@link BitFlag}s.
 *
 * <p>Bits the enum does not name (set by a newer peer) are never dropped silently: {@link
 * #toSet(long)} returns only the named bits, and {@link #unknownBits(long)} returns the rest so a
 * caller can keep the raw mask, log it, or reject it. {@link #describe(long)} renders both for
 * logs.
 *
 * <p><b>Thread safety:</b> immutable and thread-safe.
 *
 * @param <E> the enum of bits
 */
public final class Bitmask<E extends Enum<E> & BitFlag> {
  private final Class<E> type;
  private final long knownBits;

  private Bitmask(Class<E> type) {
    this.type = type;
    long known = 0;
    for (E flag : type.getEnumConstants()) {
      long bit = flag.bit();
      if (Long.bitCount(bit) != 1 || (known & bit) != 0) {
        throw new IllegalArgumentException(
            type.getSimpleName()
                + "."
                + flag
                + ": bit 0x"
                + Long.toHexString(bit)
                + " (expected: a single bit used by no other constant)");
      }
      known |= bit;
    }
    this.knownBits = known;
  }

  /** Returns the converter for an enum of bits. */
  public static <E extends Enum<E> & BitFlag> Bitmask<E> of(Class<E> type) {
    return new Bitmask<>(requireNonNull(type, "type"));
  }

  /**
   * Returns the set of named bits present in {@code mask}; bits the enum does not name are left
   * out.
   */
  public EnumSet<E> toSet(long mask) {
    EnumSet<E> set = EnumSet.noneOf(type);
    for (E flag : type.getEnumConstants()) {
      if (flag.isSetIn(mask)) {
        set.add(flag);
      }
    }
    return set;
  }

  /** Returns the mask with exactly the given bits set. */
  public long toMask(Collection<E> flags) {
    long mask = 0;
    for (E flag : requireNonNull(flags, "flags")) {
      mask |= flag.bit();
    }
    return mask;
  }

  /** Returns the bits of {@code mask} that the enum does not name; 0 when there are none. */
  public long unknownBits(long mask) {
    return mask & ~knownBits;
  }

  /** Returns the mask of every bit the enum names. */
  public long knownBits() {
    return knownBits;
  }

  /**
   * Renders a mask for people, e.g. {@code [REPORTS_STATUS, ACCEPTS_REMOTE_CONFIG, unknown
   * 0x10000]}.
   */
  public String describe(long mask) {
    StringJoiner joiner = new StringJoiner(", ", "[", "]");
    for (E flag : toSet(mask)) {
      joiner.add(flag.name());
    }
    long unknown = unknownBits(mask);
    if (unknown != 0) {
      joiner.add("unknown 0x" + Long.toHexString(unknown));
    }
    return joiner.toString();
  }
}
