/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.status.FleetSummary;

/**
 * The server's own telemetry: the OpenTelemetry SDK, read for {@code /metrics} (Prometheus text)
 * and optionally exported over OTLP/HTTP; JVM metrics; inventory gauges.
 *
 * <p><b>Thread safety:</b> thread-safe. <b>Lifecycle:</b> create, use, {@link #close()}.
 */
final class SelfTelemetry implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final PrometheusText prometheus = new PrometheusText();
  private final List<AutoCloseable> instruments = new ArrayList<>();

  /**
   * Sets up the SDK.
   *
   * @param otlpEndpoint an OTLP/HTTP base URL to export to, or null for none
   */
  SelfTelemetry(String version, @Nullable String otlpEndpoint, Duration exportInterval) {
    SdkMeterProviderBuilder meters =
        SdkMeterProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"),
                                "opampfleet-server",
                                AttributeKey.stringKey("service.version"),
                                version))))
            .registerMetricReader(prometheus);
    if (otlpEndpoint != null) {
      String base =
          otlpEndpoint.endsWith("/")
              ? otlpEndpoint.substring(0, otlpEndpoint.length() - 1)
              : otlpEndpoint;
      meters.registerMetricReader(
          PeriodicMetricReader.builder(
                  OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics").build())
              .setInterval(exportInterval)
              .build());
    }
    sdk = OpenTelemetrySdk.builder().setMeterProvider(meters.build()).build();
    observeJvm(sdk.getMeter("org.opampfleet.controlplane.jvm"));
  }

  /**
   * JVM metrics from the platform MXBeans, named after the OpenTelemetry JVM semantic conventions.
   * (The OpenTelemetry runtime-metrics library builds on an older API than ours, so the few that
   * matter for capacity are read here.)
   */
  private void observeJvm(Meter meter) {
    java.lang.management.MemoryMXBean memory =
        java.lang.management.ManagementFactory.getMemoryMXBean();
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    AttributeKey<String> memoryType = AttributeKey.stringKey("jvm.memory.type");
    AttributeKey<String> gcName = AttributeKey.stringKey("jvm.gc.name");
    instruments.add(
        meter
            .upDownCounterBuilder("jvm.memory.used")
            .setDescription("Memory used, by heap and non-heap")
            .setUnit("By")
            .buildWithCallback(
                m -> {
                  m.record(
                      memory.getHeapMemoryUsage().getUsed(), Attributes.of(memoryType, "heap"));
                  m.record(
                      memory.getNonHeapMemoryUsage().getUsed(),
                      Attributes.of(memoryType, "non_heap"));
                }));
    instruments.add(
        meter
            .upDownCounterBuilder("jvm.memory.limit")
            .setDescription("Most heap memory the JVM may use")
            .setUnit("By")
            .buildWithCallback(
                m ->
                    m.record(
                        memory.getHeapMemoryUsage().getMax(), Attributes.of(memoryType, "heap"))));
    instruments.add(
        meter
            .upDownCounterBuilder("jvm.thread.count")
            .setDescription("Live threads")
            .setUnit("{thread}")
            .buildWithCallback(m -> m.record(threads.getThreadCount())));
    instruments.add(
        meter
            .counterBuilder("jvm.gc.collections")
            .setDescription("Garbage collections, by collector")
            .setUnit("{collection}")
            .buildWithCallback(
                m -> {
                  for (var gc :
                      java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                    m.record(
                        Math.max(0, gc.getCollectionCount()), Attributes.of(gcName, gc.getName()));
                  }
                }));
    instruments.add(
        meter
            .counterBuilder("jvm.gc.duration")
            .ofDoubles()
            .setDescription("Time spent in garbage collection, by collector")
            .setUnit("s")
            .buildWithCallback(
                m -> {
                  for (var gc :
                      java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                    m.record(
                        Math.max(0, gc.getCollectionTime()) / 1000.0,
                        Attributes.of(gcName, gc.getName()));
                  }
                }));
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      instruments.add(
          meter
              .counterBuilder("jvm.cpu.time")
              .ofDoubles()
              .setDescription("CPU time used by the process")
              .setUnit("s")
              .buildWithCallback(m -> m.record(os.getProcessCpuTime() / 1e9)));
      instruments.add(
          meter
              .gaugeBuilder("jvm.cpu.recent_utilization")
              .setDescription("Recent CPU use of the process, 0 to 1 of all processors")
              .setUnit("1")
              .buildWithCallback(m -> m.record(Math.max(0, os.getProcessCpuLoad()))));
    }
  }

  /** Returns the OpenTelemetry instance the libraries report through. */
  OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Returns the metrics as Prometheus text. */
  String scrape() {
    return prometheus.scrape();
  }

  /** Adds the control plane's own gauges: agents by state, and the write-behind queue. */
  void observe(Inventory inventory, Supplier<FleetSummary> summary) {
    Meter meter = sdk.getMeter("org.opampfleet.controlplane");
    AttributeKey<String> state = AttributeKey.stringKey("state");
    instruments.add(
        meter
            .gaugeBuilder("controlplane.agents")
            .ofLongs()
            .setDescription("Agents in the inventory, by connection state")
            .setUnit("{agent}")
            .buildWithCallback(
                m ->
                    summary
                        .get()
                        .connection()
                        .forEach(
                            (s, n) ->
                                m.record(
                                    n,
                                    Attributes.of(
                                        state, s.name().toLowerCase(java.util.Locale.ROOT))))));
    instruments.add(
        meter
            .gaugeBuilder("controlplane.agents.config")
            .ofLongs()
            .setDescription("Agents by remote-configuration state")
            .setUnit("{agent}")
            .buildWithCallback(
                m ->
                    summary
                        .get()
                        .config()
                        .forEach(
                            (s, n) ->
                                m.record(
                                    n,
                                    Attributes.of(
                                        state, s.name().toLowerCase(java.util.Locale.ROOT))))));
    instruments.add(
        meter
            .gaugeBuilder("controlplane.storage.pending_writes")
            .ofLongs()
            .setDescription("Changed agents waiting for the next database batch")
            .setUnit("{agent}")
            .buildWithCallback(m -> m.record(inventory.pendingWrites())));
    instruments.add(
        meter
            .gaugeBuilder("controlplane.storage.batch.duration")
            .setDescription("How long the last database batch took")
            .setUnit("s")
            .buildWithCallback(m -> m.record(inventory.lastBatchDuration().toNanos() / 1e9)));
    instruments.add(
        meter
            .counterBuilder("controlplane.timeline.dropped")
            .setDescription("Timeline events dropped because the database could not keep up")
            .setUnit("{event}")
            .buildWithCallback(m -> m.record(inventory.droppedEvents())));
  }

  @Override
  public void close() {
    for (AutoCloseable instrument : instruments) {
      try {
        instrument.close();
      } catch (Exception e) {
        // Closing an observable instrument only unregisters its callback.
      }
    }
    sdk.close();
  }
}
