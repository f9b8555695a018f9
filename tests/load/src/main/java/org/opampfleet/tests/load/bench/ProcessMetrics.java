/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The process's own memory and CPU in Prometheus text, under the names an OpenTelemetry Prometheus
 * exporter gives the JVM semantic conventions, so the load generator reads the bench server, the
 * floor and (later) the control plane the same way.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class ProcessMetrics {
  private ProcessMetrics() {}

  /**
   * Appends the process metrics.
   *
   * @param collectGarbage run a full collection first, so "after last GC" is the live set now
   */
  static void appendTo(StringBuilder out, boolean collectGarbage) {
    if (collectGarbage) {
      // Twice: the first may leave objects that only become unreachable through finalization.
      System.gc();
      System.gc();
    }
    long used = 0;
    long afterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP) {
        continue;
      }
      used += pool.getUsage().getUsed();
      MemoryUsage collection = pool.getCollectionUsage();
      if (collection != null) {
        afterGc += collection.getUsed();
      }
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    gauge(out, "jvm_memory_used_bytes", "{jvm_memory_type=\"heap\"}", used);
    gauge(out, "jvm_memory_used_after_last_gc_bytes", "{jvm_memory_type=\"heap\"}", afterGc);
    gauge(out, "jvm_memory_committed_bytes", "{jvm_memory_type=\"heap\"}", heap.getCommitted());
    gauge(out, "jvm_memory_limit_bytes", "{jvm_memory_type=\"heap\"}", heap.getMax());
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      gauge(
          out,
          "jvm_buffer_memory_used_bytes",
          "{jvm_buffer_pool_name=\"" + pool.getName() + "\"}",
          pool.getMemoryUsed());
    }
    var netty = PooledByteBufAllocator.DEFAULT.metric();
    gauge(out, "netty_direct_memory_used_bytes", "", netty.usedDirectMemory());
    gauge(out, "netty_heap_memory_used_bytes", "", netty.usedHeapMemory());
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      counter(out, "jvm_cpu_time_seconds_total", "", sun.getProcessCpuTime() / 1e9);
    }
    if (os instanceof UnixOperatingSystemMXBean unix) {
      gauge(out, "process_open_fds", "", unix.getOpenFileDescriptorCount());
      gauge(out, "process_max_fds", "", unix.getMaxFileDescriptorCount());
    }
    gauge(out, "jvm_thread_count", "", ManagementFactory.getThreadMXBean().getThreadCount());
    long rss = residentBytes();
    if (rss >= 0) {
      gauge(out, "process_resident_memory_bytes", "", rss);
    }
  }

  /** Appends one gauge sample. */
  static void gauge(StringBuilder out, String name, String labels, double value) {
    sample(out, "gauge", name, labels, value);
  }

  /** Appends one counter sample. */
  static void counter(StringBuilder out, String name, String labels, double value) {
    sample(out, "counter", name, labels, value);
  }

  private static void sample(
      StringBuilder out, String type, String name, String labels, double value) {
    String typeLine = "# TYPE " + name + " " + type + "\n";
    if (out.indexOf(typeLine) < 0) {
      out.append(typeLine);
    }
    out.append(name).append(labels).append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(String.format(Locale.ROOT, "%.6f", value));
    }
    out.append('\n');
  }

  private static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.trim().split("\\s+");
          return Long.parseLong(parts[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
