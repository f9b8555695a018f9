/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

/**
 * How a message's {@code sequence_num} relates to the previous one of the same agent session.
 *
 * <p>Internal; not API; may change without notice.
 */
enum SequenceCheck {
  /** The first message of the session: any number is accepted, 0 included. */
  FIRST,
  /** Exactly one more than the previous message: nothing was missed (ST-11). */
  NEXT,
  /** The same number as the previous message: a retry, answered but not processed again. */
  DUPLICATE,
  /** Any other number: a message was missed, so the server needs the full state (ST-16). */
  GAP;

  /**
   * Classifies a received sequence number. Numbers are unsigned 64-bit values (P-23); the successor
   * of the largest one wraps to 0.
   */
  static SequenceCheck of(boolean previousKnown, long previous, long received) {
    if (!previousKnown) {
      return FIRST;
    }
    if (received == previous + 1) {
      return NEXT;
    }
    if (received == previous) {
      return DUPLICATE;
    }
    return GAP;
  }
}
