/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The samples of a Prometheus text exposition ({@code /metrics}), enough to read a server's memory,
 * CPU and connection count.
 *
 * <p><b>Thread safety:</b> immutable.
 */
final class PrometheusText {
  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  /**
   * One sample.
   *
   * @param name the metric name
   * @param labels its labels
   * @param value its value
   */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** Parses an exposition; lines that are not samples (comments, blanks, garbage) are skipped. */
  static PrometheusText parse(String text) {
    requireNonNull(text, "text");
    List<Sample> samples = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample sample = parseLine(line);
      if (sample != null) {
        samples.add(sample);
      }
    }
    return new PrometheusText(samples);
  }

  /** Returns all samples. */
  List<Sample> samples() {
    return samples;
  }

  /**
   * Returns the sum of a metric's samples whose labels include {@code labelFilter} (key=value
   * pairs, all of which must match), or empty if it has none.
   */
  OptionalDouble sum(String name, Map<String, String> labelFilter) {
    double total = 0;
    boolean found = false;
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().entrySet().containsAll(labelFilter.entrySet())) {
        total += s.value();
        found = true;
      }
    }
    return found ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  /** Returns the sum of all samples of a metric, or empty if it has none. */
  OptionalDouble sum(String name) {
    return sum(name, Map.of());
  }

  /** Returns the first of several metric names that is present, summed. */
  OptionalDouble firstOf(String... names) {
    for (String name : names) {
      OptionalDouble value = sum(name);
      if (value.isPresent()) {
        return value;
      }
    }
    return OptionalDouble.empty();
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    String rest;
    if (brace >= 0 && (space < 0 || brace < space)) {
      int close = line.indexOf('}', brace);
      if (close < 0) {
        return null;
      }
      name = line.substring(0, brace);
      for (String pair : line.substring(brace + 1, close).split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          String value = pair.substring(eq + 1).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          labels.put(pair.substring(0, eq).trim(), value);
        }
      }
      rest = line.substring(close + 1).trim();
    } else if (space > 0) {
      name = line.substring(0, space);
      rest = line.substring(space + 1).trim();
    } else {
      return null;
    }
    String number = rest.split("\\s+")[0];
    try {
      return new Sample(name, labels, Double.parseDouble(number));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
