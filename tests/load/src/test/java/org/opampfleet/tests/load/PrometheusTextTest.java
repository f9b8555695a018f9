/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String EXPOSITION =
      """
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{jvm_memory_type="heap",jvm_memory_pool_name="G1 Eden Space"} 1000
      jvm_memory_used_bytes{jvm_memory_type="heap",jvm_memory_pool_name="G1 Old Gen"} 2000
      jvm_memory_used_bytes{jvm_memory_type="non_heap"} 500
      jvm_memory_used_after_last_gc_bytes{jvm_memory_type="heap"} 1500
      jvm_cpu_time_seconds_total 12.5
      process_resident_memory_bytes 1.5e8
      opamp_server_agents_connected{transport="websocket"} 19000
      opamp_server_agents_connected{transport="http"} 10
      not a sample
      """;

  @Test
  void sumsSamplesMatchingLabels() {
    PrometheusText text = PrometheusText.parse(EXPOSITION);

    assertThat(text.sum("jvm_memory_used_bytes", Map.of("jvm_memory_type", "heap"))).hasValue(3000);
    assertThat(text.sum("opamp_server_agents_connected")).hasValue(19_010);
    assertThat(text.sum("missing")).isEmpty();
  }

  @Test
  void readsAServerSample() {
    ServerProbe.Sample sample = ServerProbe.read(PrometheusText.parse(EXPOSITION), 42);

    assertThat(sample.heapUsedBytes()).isEqualTo(3000);
    assertThat(sample.heapAfterGcBytes()).isEqualTo(1500);
    assertThat(sample.cpuSeconds()).isEqualTo(12.5);
    assertThat(sample.residentBytes()).isEqualTo(1.5e8);
    assertThat(sample.connectedAgents()).isEqualTo(19_010);
    assertThat(sample.openFiles()).isNaN();
  }

  @Test
  void fallsBackToClassicPrometheusNames() {
    PrometheusText text = PrometheusText.parse("process_cpu_seconds_total 3\n");

    assertThat(ServerProbe.read(text, 0).cpuSeconds()).isEqualTo(3);
  }
}
