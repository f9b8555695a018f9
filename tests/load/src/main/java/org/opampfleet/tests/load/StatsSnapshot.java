/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A worker's cumulative statistics at one moment, as streamed to the coordinator (JSON), and the
 * sum over several workers.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param connected agents connected now: WebSocket open and answered, or HTTP polling successfully
 * @param webSocketConnected the WebSocket agents among them
 * @param httpConnected the HTTP agents among them
 * @param counters {@link Counter} totals by {@link Counter#key()}
 * @param errors {@link ErrorKind} totals by name
 * @param histograms cumulative {@link Latency} histograms by {@link Latency#key()}, {@linkplain
 *     Histograms#encode encoded}
 * @param phaseId the id of the current measured phase (a rollout or a storm), 0 before any
 * @param phaseDone agents that completed it: reported APPLIED/FAILED, or are back after the storm
 * @param phaseMaxMicros the longest time one of them took
 * @param phaseHistogram the phase's own histogram, encoded
 */
record StatsSnapshot(
    int connected,
    int webSocketConnected,
    int httpConnected,
    Map<String, Long> counters,
    Map<String, Long> errors,
    Map<String, String> histograms,
    long phaseId,
    long phaseDone,
    long phaseMaxMicros,
    String phaseHistogram) {

  /** Copies the maps. */
  StatsSnapshot {
    counters = Map.copyOf(requireNonNull(counters, "counters"));
    errors = Map.copyOf(requireNonNull(errors, "errors"));
    histograms = Map.copyOf(requireNonNull(histograms, "histograms"));
    requireNonNull(phaseHistogram, "phaseHistogram");
  }

  /** Returns a counter's total. */
  long count(Counter counter) {
    return counters.getOrDefault(counter.key(), 0L);
  }

  /** Returns the total of all errors. */
  long errorTotal() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Returns a latency histogram. */
  Histogram histogram(Latency latency) {
    String encoded = histograms.get(latency.key());
    return encoded == null ? Histograms.create() : Histograms.decode(encoded);
  }

  /** Returns the phase histogram. */
  Histogram phase() {
    return phaseHistogram.isEmpty() ? Histograms.create() : Histograms.decode(phaseHistogram);
  }

  /**
   * Sums snapshots of several workers. Phase figures are summed only over workers in the latest
   * phase.
   */
  static StatsSnapshot sum(List<StatsSnapshot> parts) {
    int connected = 0;
    int ws = 0;
    int http = 0;
    Map<String, Long> counters = new LinkedHashMap<>();
    Map<String, Long> errors = new LinkedHashMap<>();
    EnumMap<Latency, Histogram> histograms = new EnumMap<>(Latency.class);
    long phaseId = 0;
    for (StatsSnapshot part : parts) {
      phaseId = Math.max(phaseId, part.phaseId());
    }
    long phaseDone = 0;
    long phaseMax = 0;
    Histogram phase = Histograms.create();
    for (StatsSnapshot part : parts) {
      connected += part.connected();
      ws += part.webSocketConnected();
      http += part.httpConnected();
      part.counters().forEach((k, v) -> counters.merge(k, v, Long::sum));
      part.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
      for (Latency latency : Latency.values()) {
        if (part.histograms().containsKey(latency.key())) {
          histograms
              .computeIfAbsent(latency, l -> Histograms.create())
              .add(part.histogram(latency));
        }
      }
      if (part.phaseId() == phaseId) {
        phaseDone += part.phaseDone();
        phaseMax = Math.max(phaseMax, part.phaseMaxMicros());
        phase.add(part.phase());
      }
    }
    Map<String, String> encoded = new LinkedHashMap<>();
    histograms.forEach((latency, h) -> encoded.put(latency.key(), Histograms.encode(h)));
    return new StatsSnapshot(
        connected,
        ws,
        http,
        counters,
        errors,
        encoded,
        phaseId,
        phaseDone,
        phaseMax,
        Histograms.encode(phase));
  }
}
