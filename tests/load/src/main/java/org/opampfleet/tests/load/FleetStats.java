/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The live statistics of one worker's agents.
 *
 * <p><b>Thread safety:</b> thread-safe. Agents on every event loop record into it without locks
 * (adders and HdrHistogram recorders); {@link #snapshot()} and {@link #startPhase} synchronize
 * among themselves only.
 */
final class FleetStats {
  private final EnumMap<Counter, LongAdder> counters = new EnumMap<>(Counter.class);
  private final EnumMap<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);
  private final EnumMap<Latency, Recorder> recorders = new EnumMap<>(Latency.class);
  // Guarded by this.
  private final EnumMap<Latency, Histogram> cumulative = new EnumMap<>(Latency.class);

  private final AtomicInteger webSocketConnected = new AtomicInteger();
  private final AtomicInteger httpConnected = new AtomicInteger();

  private final AtomicLong phaseId = new AtomicLong();
  private volatile long phaseStartEpochMicros;
  private volatile Recorder phaseRecorder = Histograms.recorder();
  private volatile LongAdder phaseDone = new LongAdder();
  private volatile LongAccumulator phaseMax = new LongAccumulator(Math::max, 0);
  // Guarded by this.
  private Histogram phaseHistogram = Histograms.create();

  FleetStats() {
    for (Counter c : Counter.values()) {
      counters.put(c, new LongAdder());
    }
    for (ErrorKind k : ErrorKind.values()) {
      errors.put(k, new LongAdder());
    }
    for (Latency l : Latency.values()) {
      recorders.put(l, Histograms.recorder());
      cumulative.put(l, Histograms.create());
    }
  }

  /** Counts one event. */
  void count(Counter counter) {
    counters.get(counter).increment();
  }

  /** Adds to a counter. */
  void add(Counter counter, long amount) {
    counters.get(counter).add(amount);
  }

  /** Counts one error. */
  void error(ErrorKind kind) {
    errors.get(kind).increment();
  }

  /** Records a latency in microseconds. */
  void record(Latency latency, long micros) {
    recorders.get(latency).recordValue(Histograms.clamp(micros));
  }

  /** Records that an agent is connected now, or no longer. */
  void connected(boolean http, int delta) {
    (http ? httpConnected : webSocketConnected).addAndGet(delta);
  }

  /**
   * Starts a measured phase: from now on {@link #phaseCompleted} measures from {@code
   * startEpochMicros}.
   */
  synchronized void startPhase(long id, long startEpochMicros) {
    phaseRecorder = Histograms.recorder();
    phaseDone = new LongAdder();
    phaseMax = new LongAccumulator(Math::max, 0);
    phaseHistogram = Histograms.create();
    phaseStartEpochMicros = startEpochMicros;
    phaseId.set(id);
  }

  /** Returns the id of the current phase, 0 before any. */
  long phaseId() {
    return phaseId.get();
  }

  /**
   * Records that an agent completed the current phase at {@code nowEpochMicros}, in the phase
   * histogram and in {@code latency}'s.
   */
  void phaseCompleted(Latency latency, long nowEpochMicros) {
    long micros = Histograms.clamp(nowEpochMicros - phaseStartEpochMicros);
    phaseRecorder.recordValue(micros);
    phaseDone.increment();
    phaseMax.accumulate(micros);
    record(latency, micros);
  }

  /** Returns the cumulative statistics so far. */
  synchronized StatsSnapshot snapshot() {
    Map<String, Long> counterTotals = new LinkedHashMap<>();
    counters.forEach((c, adder) -> counterTotals.put(c.key(), adder.sum()));
    Map<String, Long> errorTotals = new LinkedHashMap<>();
    errors.forEach(
        (k, adder) -> {
          long n = adder.sum();
          if (n > 0) {
            errorTotals.put(k.name().toLowerCase(java.util.Locale.ROOT), n);
          }
        });
    Map<String, String> encoded = new LinkedHashMap<>();
    for (Latency l : Latency.values()) {
      Histogram total = cumulative.get(l);
      total.add(recorders.get(l).getIntervalHistogram());
      if (total.getTotalCount() > 0) {
        encoded.put(l.key(), Histograms.encode(total));
      }
    }
    phaseHistogram.add(phaseRecorder.getIntervalHistogram());
    int ws = Math.max(0, webSocketConnected.get());
    int http = Math.max(0, httpConnected.get());
    return new StatsSnapshot(
        ws + http,
        ws,
        http,
        counterTotals,
        errorTotals,
        encoded,
        phaseId.get(),
        phaseDone.sum(),
        phaseMax.get(),
        Histograms.encode(phaseHistogram));
  }
}
