/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.controlplane.testing.TestFleet;

/** Coalescing of live updates, driven tick by tick: no clock, no sleeping. */
class LiveHubTest {
  private final TestFleet fleet = new TestFleet();
  private final LiveHub hub = new LiveHub();

  private static final class RecordingSink implements LiveHub.Sink {
    final List<String> events = new ArrayList<>();
    boolean open = true;

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void send(String event, String data, long id) {
      events.add(event + ":" + data);
    }

    @Override
    public void comment(String text) {
      events.add("comment:" + text);
    }

    @Override
    public void close() {
      open = false;
    }
  }

  private static final class CountingView implements LiveHub.View {
    final AtomicInteger renders = new AtomicInteger();
    List<String> rows;

    CountingView(List<String> rows) {
      this.rows = rows;
    }

    @Override
    public String key() {
      return "view";
    }

    @Override
    public boolean isAffectedBy(LiveHub.Changes changes) {
      return changes.anyAgent();
    }

    @Override
    public LiveHub.Update render(LiveHub.Changes changes) {
      return new LiveHub.Update(
          "<div id=r" + renders.incrementAndGet() + ">", "<tr>", rows, "<div id=pill>");
    }
  }

  private void changeAgents(int n) {
    for (int i = 0; i < n; i++) {
      Agent a = fleet.connect(Map.of("service.name", "a" + i));
      hub.onEvent(new FleetEvent.AgentChanged(null, a));
    }
  }

  @Test
  void manyChangesWithinATickBecomeOneEventPerPage() {
    RecordingSink sink = new RecordingSink();
    CountingView view = new CountingView(null);
    hub.subscribe(view, sink, null, LiveHub.Resume.FRESH);
    changeAgents(100);
    hub.tick();
    assertThat(sink.events).containsExactly("patch:<div id=r1><tr>");
  }

  @Test
  void aTickWithoutChangesSendsNothing() {
    RecordingSink sink = new RecordingSink();
    hub.subscribe(new CountingView(null), sink, null, LiveHub.Resume.FRESH);
    hub.tick();
    changeAgents(1);
    hub.tick();
    hub.tick();
    assertThat(sink.events).hasSize(1);
  }

  @Test
  void pagesShowingTheSameViewShareOneRendering() {
    CountingView view = new CountingView(null);
    RecordingSink a = new RecordingSink();
    RecordingSink b = new RecordingSink();
    hub.subscribe(view, a, null, LiveHub.Resume.FRESH);
    hub.subscribe(view, b, null, LiveHub.Resume.FRESH);
    changeAgents(3);
    hub.tick();
    assertThat(view.renders).hasValue(1);
    assertThat(a.events).hasSize(1);
    assertThat(b.events).isEqualTo(a.events);
  }

  @Test
  void changedRowSetSendsTheNoticeOnceInsteadOfRows() {
    CountingView view = new CountingView(List.of("x", "y"));
    RecordingSink sink = new RecordingSink();
    hub.subscribe(view, sink, List.of("x", "z"), LiveHub.Resume.FRESH);
    changeAgents(1);
    hub.tick();
    changeAgents(1);
    hub.tick();
    assertThat(sink.events).containsExactly("patch:<div id=r1><div id=pill>", "patch:<div id=r2>");
  }

  @Test
  void unaffectedViewsAndClosedPagesGetNothing() {
    RecordingSink sink = new RecordingSink();
    hub.subscribe(new CountingView(null), sink, null, LiveHub.Resume.FRESH);
    hub.onEvent(new FleetEvent.ConfigChanged("x"));
    hub.tick();
    assertThat(sink.events).isEmpty();
    sink.open = false;
    changeAgents(1);
    hub.tick();
    assertThat(sink.events).isEmpty();
    assertThat(hub.size()).isZero();
  }

  @Test
  void aResumedPageGetsAFullRenderingWithTheNextTick() {
    RecordingSink sink = new RecordingSink();
    hub.subscribe(new CountingView(null), sink, null, LiveHub.Resume.RESUMED);
    hub.tick();
    assertThat(sink.events).hasSize(1);
  }

  @Test
  void heartbeatsKeepPagesOpen() {
    RecordingSink sink = new RecordingSink();
    hub.subscribe(new CountingView(null), sink, null, LiveHub.Resume.FRESH);
    hub.heartbeat();
    assertThat(sink.events).containsExactly("comment:keep-alive");
  }
}
