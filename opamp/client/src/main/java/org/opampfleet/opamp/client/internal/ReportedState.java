/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import com.google.protobuf.Message;
import java.util.EnumMap;
import java.util.Map;
import org.opampfleet.opamp.protocol.AvailableComponents;

/**
 * What the server has received of each compressible part: the value last sent and acknowledged by
 * the transport. A part whose current value equals its reported value is left out of the next
 * message (ST-12, ST-14); a part that differs in any field is sent whole (ST-13).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> not thread-safe; confined to the client's protocol lane.
 */
public final class ReportedState {

  private final Map<StatusPart, Message> reported = new EnumMap<>(StatusPart.class);

  /** Returns whether the server already has this value of a part. */
  public boolean isReported(StatusPart part, Message value) {
    Message last = reported.get(part);
    if (last == null) {
      return false;
    }
    if (part == StatusPart.AVAILABLE_COMPONENTS) {
      // Components are identified by their hash (AV-02, AV-06).
      return ((AvailableComponents) last).getHash().equals(((AvailableComponents) value).getHash());
    }
    return last.equals(value);
  }

  /** Records that the server received these values. */
  public void record(Map<StatusPart, Message> sent) {
    reported.putAll(sent);
  }

  /** Forgets everything, so that the next message carries every part (a full report). */
  public void clear() {
    reported.clear();
  }

  /** Returns the last value reported for a part, or null. */
  public Message get(StatusPart part) {
    return reported.get(part);
  }
}
