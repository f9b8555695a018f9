/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

/** A named bit of an OpAMP {@code uint64} bitmask field, such as a capability or a flag. */
public interface BitFlag {

  /** Returns the bit's value in the mask: a single set bit. */
  long bit();

  /** Returns whether this bit is set in {@code mask}. */
  default boolean isSetIn(long mask) {
    return (mask & bit()) != 0;
  }
}
