/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Renders the OpenTelemetry SDK's metrics in the Prometheus text exposition format for the {@code
 * /metrics} endpoint: counters as {@code *_total}, up-down counters and gauges as gauges,
 * histograms as buckets, sum and count.
 *
 * <p>(The OpenTelemetry Prometheus exporter is not available from the project's registry, so this
 * small renderer stands in for it; it reads the SDK's cumulative data and nothing else.)
 *
 * <p><b>Thread safety:</b> thread-safe; scrapes may run concurrently.
 */
final class PrometheusText implements MetricReader {
  private volatile @Nullable CollectionRegistration registration;

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public MemoryMode getMemoryMode() {
    return MemoryMode.IMMUTABLE_DATA;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = null;
    return CompletableResultCode.ofSuccess();
  }

  /** Returns the current metrics as Prometheus text. */
  String scrape() {
    CollectionRegistration r = registration;
    if (r == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(16 * 1024);
    List<MetricData> metrics =
        r.collectAllMetrics().stream().sorted(Comparator.comparing(MetricData::getName)).toList();
    for (MetricData metric : metrics) {
      render(metric, out);
    }
    return out.toString();
  }

  private static void render(MetricData metric, StringBuilder out) {
    String name = name(metric.getName());
    switch (metric.getType()) {
      case LONG_SUM -> {
        boolean counter = metric.getLongSumData().isMonotonic();
        String full = counter ? name + "_total" : name;
        header(out, full, metric.getDescription(), counter ? "counter" : "gauge");
        for (LongPointData p : sorted(metric.getLongSumData().getPoints())) {
          sample(out, full, p.getAttributes(), null, Long.toString(p.getValue()));
        }
      }
      case DOUBLE_SUM -> {
        boolean counter = metric.getDoubleSumData().isMonotonic();
        String full = counter ? name + "_total" : name;
        header(out, full, metric.getDescription(), counter ? "counter" : "gauge");
        for (DoublePointData p : sorted(metric.getDoubleSumData().getPoints())) {
          sample(out, full, p.getAttributes(), null, number(p.getValue()));
        }
      }
      case LONG_GAUGE -> {
        header(out, name, metric.getDescription(), "gauge");
        for (LongPointData p : sorted(metric.getLongGaugeData().getPoints())) {
          sample(out, name, p.getAttributes(), null, Long.toString(p.getValue()));
        }
      }
      case DOUBLE_GAUGE -> {
        header(out, name, metric.getDescription(), "gauge");
        for (DoublePointData p : sorted(metric.getDoubleGaugeData().getPoints())) {
          sample(out, name, p.getAttributes(), null, number(p.getValue()));
        }
      }
      case HISTOGRAM -> {
        header(out, name, metric.getDescription(), "histogram");
        for (HistogramPointData p : sorted(metric.getHistogramData().getPoints())) {
          long cumulative = 0;
          List<Double> bounds = p.getBoundaries();
          for (int i = 0; i < bounds.size(); i++) {
            cumulative += p.getCounts().get(i);
            sample(
                out,
                name + "_bucket",
                p.getAttributes(),
                "le=\"" + number(bounds.get(i)) + "\"",
                Long.toString(cumulative));
          }
          sample(
              out, name + "_bucket", p.getAttributes(), "le=\"+Inf\"", Long.toString(p.getCount()));
          sample(out, name + "_sum", p.getAttributes(), null, number(p.getSum()));
          sample(out, name + "_count", p.getAttributes(), null, Long.toString(p.getCount()));
        }
      }
      default -> {
        // Exponential histograms and summaries are not produced by the server's instruments.
      }
    }
  }

  private static <T extends io.opentelemetry.sdk.metrics.data.PointData> List<T> sorted(
      Collection<T> points) {
    return points.stream().sorted(Comparator.comparing(p -> p.getAttributes().toString())).toList();
  }

  private static void header(StringBuilder out, String name, String description, String type) {
    if (!description.isEmpty()) {
      out.append("# HELP ")
          .append(name)
          .append(' ')
          .append(description.replace("\\", "\\\\").replace("\n", "\\n"))
          .append('\n');
    }
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(
      StringBuilder out,
      String name,
      Attributes attributes,
      @Nullable String extraLabel,
      String value) {
    out.append(name);
    if (!attributes.isEmpty() || extraLabel != null) {
      out.append('{');
      boolean[] first = {true};
      attributes.forEach(
          (key, v) -> {
            if (!first[0]) {
              out.append(',');
            }
            first[0] = false;
            out.append(name(key.getKey()))
                .append("=\"")
                .append(escape(String.valueOf(v)))
                .append('"');
          });
      if (extraLabel != null) {
        out.append(first[0] ? "" : ",").append(extraLabel);
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private static String name(String otelName) {
    StringBuilder s = new StringBuilder(otelName.length());
    for (char c : otelName.toCharArray()) {
      s.append(Character.isLetterOrDigit(c) || c == '_' || c == ':' ? c : '_');
    }
    if (s.length() > 0 && Character.isDigit(s.charAt(0))) {
      s.insert(0, '_');
    }
    return s.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }
}
