/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.telemetry;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the supervisor's metrics periodically over OTLP/HTTP ({@code
 * telemetry.metrics.readers[].periodic.exporter.otlp}), in {@code http/protobuf} (encoded by hand:
 * a dozen data points do not justify the OpenTelemetry SDK on every host) or {@code http/json}.
 * Sums are cumulative.
 *
 * <p><b>Thread safety:</b> thread-safe; exports run on one daemon thread of its own, so a slow
 * backend never delays the supervisor.
 */
public final class OtlpMetricsExporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpMetricsExporter.class);
  private static final String SCOPE = "org.opampfleet.supervisor";

  private final SupervisorConfig.OtlpReader reader;
  private final SupervisorMetrics metrics;
  private final Map<String, String> resource;
  private final ScheduledExecutorService thread;
  private final long startNanos = nanos(Instant.now());
  private volatile boolean warned;

  private OtlpMetricsExporter(
      SupervisorConfig.OtlpReader reader,
      SupervisorMetrics metrics,
      Map<String, String> resource,
      ScheduledExecutorService thread) {
    this.reader = reader;
    this.metrics = metrics;
    this.resource = resource;
    this.thread = thread;
  }

  /**
   * Starts exporting every {@code reader.interval()}.
   *
   * @param unused kept for symmetry with the other readers; exports have their own thread
   */
  public static OtlpMetricsExporter start(
      SupervisorConfig.OtlpReader reader,
      SupervisorMetrics metrics,
      Map<String, String> resource,
      ScheduledExecutorService unused) {
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(null, r, "otlp-metrics", 256 * 1024);
              t.setDaemon(true);
              return t;
            });
    OtlpMetricsExporter exporter = new OtlpMetricsExporter(reader, metrics, resource, thread);
    long every = Math.max(1000, reader.interval().toMillis());
    thread.scheduleAtFixedRate(exporter::exportOnce, every, every, TimeUnit.MILLISECONDS);
    return exporter;
  }

  void exportOnce() {
    List<SupervisorMetrics.Point> points = metrics.snapshot();
    long now = nanos(Instant.now());
    boolean json = reader.protocol().equals("http/json");
    byte[] body = json ? encodeJson(points, now) : encodeProtobuf(points, now);
    try {
      HttpURLConnection c = (HttpURLConnection) reader.endpoint().toURL().openConnection();
      c.setConnectTimeout(5000);
      c.setReadTimeout(5000);
      c.setDoOutput(true);
      c.setRequestMethod("POST");
      c.setRequestProperty("Content-Type", json ? "application/json" : "application/x-protobuf");
      reader.headers().forEach(c::setRequestProperty);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      int status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        if (in != null) {
          in.readNBytes(4096);
        }
      }
      if (status >= 300 && !warned) {
        warned = true;
        LOG.warn("Exporting metrics to {} failed with HTTP {}", reader.endpoint(), status);
      } else if (status < 300) {
        warned = false;
      }
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warn("Exporting metrics to {} failed: {}", reader.endpoint(), e.getMessage());
      }
    }
  }

  byte[] encodeProtobuf(List<SupervisorMetrics.Point> points, long now) {
    return message(
        out -> {
          out.writeByteArray(
              1,
              message(
                  rm -> {
                    rm.writeByteArray(
                        1,
                        message(
                            r -> {
                              for (Map.Entry<String, String> e : resource.entrySet()) {
                                r.writeByteArray(1, keyValue(e.getKey(), e.getValue()));
                              }
                            }));
                    rm.writeByteArray(
                        2,
                        message(
                            sm -> {
                              sm.writeByteArray(1, message(scope -> scope.writeString(1, SCOPE)));
                              for (SupervisorMetrics.Point p : points) {
                                sm.writeByteArray(2, metric(p, now));
                              }
                            }));
                  }));
        });
  }

  private byte[] metric(SupervisorMetrics.Point p, long now) {
    return message(
        m -> {
          m.writeString(1, p.name());
          m.writeString(2, p.description());
          m.writeString(3, p.unit());
          byte[] point =
              message(
                  dp -> {
                    dp.writeFixed64(2, p.monotonic() ? startNanos : 0);
                    dp.writeFixed64(3, now);
                    dp.writeDouble(4, p.value());
                  });
          if (p.monotonic()) {
            m.writeByteArray(
                7,
                message(
                    sum -> {
                      sum.writeByteArray(1, point);
                      sum.writeEnum(2, 2);
                      sum.writeBool(3, true);
                    }));
          } else {
            m.writeByteArray(5, message(gauge -> gauge.writeByteArray(1, point)));
          }
        });
  }

  private static byte[] keyValue(String key, String value) {
    return message(
        kv -> {
          kv.writeString(1, key);
          kv.writeByteArray(2, message(v -> v.writeString(1, value)));
        });
  }

  byte[] encodeJson(List<SupervisorMetrics.Point> points, long now) {
    StringBuilder b = new StringBuilder(4096);
    b.append("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[");
    boolean first = true;
    for (Map.Entry<String, String> e : resource.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append("{\"key\":").append(quote(e.getKey()));
      b.append(",\"value\":{\"stringValue\":").append(quote(e.getValue())).append("}}");
    }
    b.append("]},\"scopeMetrics\":[{\"scope\":{\"name\":")
        .append(quote(SCOPE))
        .append("},\"metrics\":[");
    for (int i = 0; i < points.size(); i++) {
      SupervisorMetrics.Point p = points.get(i);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"name\":").append(quote(p.name()));
      b.append(",\"description\":").append(quote(p.description()));
      b.append(",\"unit\":").append(quote(p.unit())).append(',');
      String point =
          "{\"startTimeUnixNano\":\""
              + (p.monotonic() ? startNanos : 0)
              + "\",\"timeUnixNano\":\""
              + now
              + "\",\"asDouble\":"
              + String.format(Locale.ROOT, "%s", p.value())
              + "}";
      if (p.monotonic()) {
        b.append("\"sum\":{\"dataPoints\":[").append(point);
        b.append("],\"aggregationTemporality\":2,\"isMonotonic\":true}}");
      } else {
        b.append("\"gauge\":{\"dataPoints\":[").append(point).append("]}}");
      }
    }
    b.append("]}]}]}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** Writes one protobuf message with a body writer. */
  private static byte[] message(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      body.write(out);
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  @FunctionalInterface
  private interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
