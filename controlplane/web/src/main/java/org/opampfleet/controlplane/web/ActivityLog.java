/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.controlplane.web.view.Pages;

/**
 * The overview's "recent activity": the last fleet events worth a person's attention (agents
 * connecting and disconnecting, failed applies, configuration saves), with bursts of the same kind
 * folded into one line ("12 agents connected").
 *
 * <p>Kept in memory only, bounded to {@value #CAPACITY} lines; it starts empty after a restart.
 *
 * <p><b>Thread safety:</b> thread-safe; {@link #onEvent} is quick and never blocks.
 */
final class ActivityLog {
  static final int CAPACITY = 50;
  private static final Duration FOLD_WINDOW = Duration.ofSeconds(10);

  private record Line(Instant time, String kind, int count, String text, @Nullable String href) {}

  private final Clock clock;
  private final Deque<Line> lines = new ArrayDeque<>();

  ActivityLog(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  void onEvent(FleetEvent event) {
    if (event instanceof FleetEvent.AgentChanged changed) {
      Agent before = changed.before();
      Agent after = changed.after();
      String href = "/agents/" + after.instanceUid();
      if (before == null) {
        add("new", "new agent " + after.displayName() + " connected", "new agents connected", href);
      } else if (before.connection().connected() && !after.connection().connected()) {
        add("disc", after.displayName() + " disconnected", "agents disconnected", href);
      } else if (!before.connection().connected() && after.connection().connected()) {
        add("conn", after.displayName() + " reconnected", "agents reconnected", href);
      }
      RemoteConfigReport was = before == null ? null : before.remoteConfig();
      RemoteConfigReport now = after.remoteConfig();
      if (now != null
          && now.status() == RemoteConfigReport.Status.FAILED
          && (was == null
              || was.status() != RemoteConfigReport.Status.FAILED
              || !was.hash().equals(now.hash()))) {
        add(
            "failed",
            after.displayName() + " failed to apply its configuration: " + now.errorMessage(),
            "agents failed to apply their configuration",
            href);
      }
    } else if (event instanceof FleetEvent.ConfigSaved saved) {
      add(
          "saved:" + saved.version().name() + saved.version().version(),
          saved.version().author()
              + " saved "
              + saved.version().label()
              + (saved.version().note().isEmpty() ? "" : " — " + saved.version().note()),
          "",
          "/configs/" + saved.version().name());
    } else if (event instanceof FleetEvent.ConfigChanged changed) {
      add(
          "changed:" + changed.name(),
          "configuration " + changed.name() + " was deleted or its settings changed",
          "",
          "/configs/" + changed.name());
    } else if (event instanceof FleetEvent.AgentDeleted deleted) {
      add("deleted", "agent " + deleted.instanceUid() + " was deleted", "agents deleted", null);
    }
  }

  private synchronized void add(String kind, String text, String plural, @Nullable String href) {
    Instant now = clock.instant();
    Line last = lines.peekFirst();
    if (last != null
        && !plural.isEmpty()
        && last.kind().equals(kind)
        && Duration.between(last.time(), now).compareTo(FOLD_WINDOW) <= 0) {
      lines.removeFirst();
      int count = last.count() + 1;
      lines.addFirst(new Line(now, kind, count, count + " " + plural, null));
      return;
    }
    lines.addFirst(new Line(now, kind, 1, text, href));
    while (lines.size() > CAPACITY) {
      lines.removeLast();
    }
  }

  /** Returns the newest lines, newest first. */
  synchronized List<Pages.Activity> recent(int limit) {
    List<Pages.Activity> out = new ArrayList<>();
    for (Line line : lines) {
      if (out.size() == limit) {
        break;
      }
      out.add(new Pages.Activity(line.time(), line.text(), line.href()));
    }
    return out;
  }
}
