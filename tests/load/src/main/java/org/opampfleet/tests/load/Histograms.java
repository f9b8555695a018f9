/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * HdrHistogram helpers: one shape for every latency (microseconds, up to an hour, three significant
 * digits), a text encoding to stream histograms from workers, and the percentiles the summary
 * shows.
 */
final class Histograms {
  /** The largest latency recorded, in microseconds; longer ones are recorded as this. */
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  private static final int DIGITS = 3;

  private Histograms() {}

  /** Returns an empty histogram of the common shape. */
  static Histogram create() {
    return new Histogram(1, HIGHEST_MICROS, DIGITS);
  }

  /** Returns a recorder of the common shape. */
  static Recorder recorder() {
    return new Recorder(1, HIGHEST_MICROS, DIGITS);
  }

  /** Clamps a latency to the recordable range. */
  static long clamp(long micros) {
    return Math.max(1, Math.min(HIGHEST_MICROS, micros));
  }

  /** Encodes a histogram as Base64 of its compressed form. */
  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  /**
   * Decodes what {@link #encode} produced.
   *
   * @throws IllegalArgumentException if the text is not an encoded histogram
   */
  static Histogram decode(String text) {
    try {
      Histogram decoded =
          Histogram.decodeFromCompressedByteBuffer(
              ByteBuffer.wrap(Base64.getDecoder().decode(text)), HIGHEST_MICROS);
      Histogram result = create();
      result.add(decoded);
      return result;
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("not an encoded histogram: " + e.getMessage(), e);
    }
  }

  /**
   * Returns count, mean, p50, p90, p99, p99.9 and max in milliseconds, for the summary and the JSON
   * result.
   */
  static Map<String, Object> summary(Histogram h) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return out;
    }
    out.put("mean_ms", millis(Math.round(h.getMean())));
    out.put("p50_ms", millis(h.getValueAtPercentile(50)));
    out.put("p90_ms", millis(h.getValueAtPercentile(90)));
    out.put("p99_ms", millis(h.getValueAtPercentile(99)));
    out.put("p999_ms", millis(h.getValueAtPercentile(99.9)));
    out.put("max_ms", millis(h.getMaxValue()));
    return out;
  }

  /** Microseconds to milliseconds with three decimals. */
  static double millis(long micros) {
    // Whole microseconds are already three decimals of a millisecond. (Math.round(long) would
    // widen to float and lose precision above 2^24 us.)
    return micros / 1000.0;
  }
}
