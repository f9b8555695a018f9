/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerProbeTest {
  /** What the control plane's /metrics wrote with 1,000 agents connected (trimmed). */
  private static final String CONTROL_PLANE =
      """
      # TYPE controlplane_agents gauge
      controlplane_agents{state="connected"} 1000
      controlplane_agents{state="disconnected"} 3
      controlplane_agents{state="stale"} 2
      controlplane_agents_config{state="applied"} 1000
      controlplane_storage_pending_writes 0
      jvm_cpu_time_total 6.6
      jvm_gc_collections_total{jvm_gc_name="G1 Young Generation"} 9
      jvm_memory_limit{jvm_memory_type="heap"} 536870912
      jvm_memory_used{jvm_memory_type="heap"} 89575424
      jvm_memory_used{jvm_memory_type="non_heap"} 53914432
      jvm_thread_count 17
      """;

  @Test
  void readsTheControlPlanesMetricNames() {
    ServerProbe.Sample sample = ServerProbe.read(PrometheusText.parse(CONTROL_PLANE), 7);

    assertThat(sample.heapUsedBytes()).isEqualTo(89_575_424);
    assertThat(sample.cpuSeconds()).isEqualTo(6.6);
    assertThat(sample.connectedAgents()).isEqualTo(1000); // not the stale or disconnected ones
    assertThat(sample.residentBytes()).isNaN();
  }

  @Test
  void takesTheHeapInUseAsTheLiveSetOnlyRightAfterAForcedCollection() {
    PrometheusText metrics = PrometheusText.parse(CONTROL_PLANE);

    assertThat(ServerProbe.read(metrics, 0, false).heapAfterGcBytes()).isNaN();
    assertThat(ServerProbe.read(metrics, 0, true).heapAfterGcBytes()).isEqualTo(89_575_424);
  }

  @Test
  void prefersTheServersOwnAfterCollectionFigure() {
    PrometheusText metrics =
        PrometheusText.parse(
            """
            jvm_memory_used_bytes{jvm_memory_type="heap"} 3000
            jvm_memory_used_after_last_gc_bytes{jvm_memory_type="heap"} 1500
            """);

    assertThat(ServerProbe.read(metrics, 0, true).heapAfterGcBytes()).isEqualTo(1500);
  }

  @Test
  void sendsTheConfiguredHeadersAndMethodWithTheBody() {
    ServerProbe probe =
        new ServerProbe(
            URI.create("http://127.0.0.1:4321/metrics"),
            List.of("Authorization: Bearer ofp_secret", "X-Source:loadgen"),
            ServerProbe.GarbageCollector.NONE);

    HttpRequest put =
        probe.request("PUT", URI.create("http://127.0.0.1:4321/api/v1/configs/a"), "{\"x\":1}");
    HttpRequest get = probe.request("GET", URI.create("http://127.0.0.1:4321/metrics"), null);

    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.headers().firstValue("Authorization")).hasValue("Bearer ofp_secret");
    assertThat(put.headers().firstValue("X-Source")).hasValue("loadgen");
    assertThat(put.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(put.bodyPublisher().orElseThrow().contentLength()).isEqualTo(7);
    assertThat(get.method()).isEqualTo("GET");
    assertThat(get.headers().firstValue("Authorization")).hasValue("Bearer ofp_secret");
    assertThat(get.headers().firstValue("Content-Type")).isEmpty();
  }

  @Test
  void collectsGarbageInAProcessWithJcmd() {
    List<String> command = ServerProbe.jcmdCommand(4242);

    assertThat(command).hasSize(3).endsWith("4242", "GC.run");
    assertThat(command.get(0)).endsWith("jcmd");
  }
}
