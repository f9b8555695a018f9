/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Fans fleet changes out to the open pages over server-sent events, coalesced: changes are only
 * collected as they happen, and {@link #tick()} (run once per second by the server) renders each
 * affected view once and sends at most one {@code patch} event per page.
 *
 * <p>A page subscribes with a {@link View}: what it shows and how to render the regions that can
 * change, as {@code hx-swap-oob} fragments. Pages showing the same view share one rendering per
 * tick. A list view also reports its row set; when it no longer matches what a page shows, that
 * page gets only its safe regions and a "page changed" notice instead of rows moving under the
 * user.
 *
 * <p><b>Thread safety:</b> thread-safe. {@link #onEvent} runs on whatever thread publishes (often
 * an OpAMP event loop) and only records; rendering and sending happen in {@link #tick()} and {@link
 * #heartbeat()}, which the server calls from one thread.
 */
final class LiveHub {
  private static final System.Logger LOG = System.getLogger(LiveHub.class.getName());

  /** The most agent UIDs collected per tick; beyond that every view counts as affected. */
  static final int MAX_TRACKED_AGENTS = 10_000;

  /** Where events for one page go: the SSE connection. */
  interface Sink {
    /** Returns whether the connection is still open. */
    boolean isOpen();

    /** Sends an event. */
    void send(String event, String data, long id);

    /** Sends a comment, to keep the connection open. */
    void comment(String text);

    /** Closes the connection. */
    void close();
  }

  /** What a page shows, and how to render its live regions. */
  interface View {
    /** Returns a key equal for every page showing the same thing. */
    String key();

    /** Returns whether the changes can alter what the page shows. */
    boolean isAffectedBy(Changes changes);

    /** Renders the live regions; null when nothing is to be sent. */
    @Nullable Update render(Changes changes);
  }

  /**
   * A rendering of a view's live regions.
   *
   * @param regions {@code hx-swap-oob} fragments that are safe to apply whatever the page shows
   * @param rowPatches {@code hx-swap-oob} fragments for rows the page shows, applied only while its
   *     row set is unchanged
   * @param rows the row set (e.g. agent UIDs in order); null for views without rows
   * @param staleNotice a fragment telling the page its row set changed; used when {@code rows}
   *     differs from what the page shows
   */
  record Update(
      String regions, String rowPatches, @Nullable List<String> rows, String staleNotice) {}

  /**
   * What changed since the last tick.
   *
   * @param agents agents changed or added
   * @param deleted agents deleted
   * @param configs configurations saved, changed or deleted
   * @param overflow too many changes to track one by one: treat everything as changed
   */
  record Changes(
      Set<InstanceUid> agents, Set<InstanceUid> deleted, Set<String> configs, boolean overflow) {
    static Changes everything() {
      return new Changes(Set.of(), Set.of(), Set.of(), true);
    }

    boolean isEmpty() {
      return !overflow && agents.isEmpty() && deleted.isEmpty() && configs.isEmpty();
    }

    boolean anyAgent() {
      return overflow || !agents.isEmpty() || !deleted.isEmpty();
    }

    boolean agent(InstanceUid uid) {
      return overflow || agents.contains(uid) || deleted.contains(uid);
    }
  }

  private static final class Subscription {
    final View view;
    final Sink sink;
    volatile @Nullable List<String> baseline;
    volatile boolean staleNotified;
    volatile boolean needsFullRender;

    Subscription(View view, Sink sink, @Nullable List<String> baseline) {
      this.view = view;
      this.sink = sink;
      this.baseline = baseline;
    }
  }

  private final Object lock = new Object();
  // Guarded by lock.
  private Set<InstanceUid> changedAgents = new HashSet<>();
  private Set<InstanceUid> deletedAgents = new HashSet<>();
  private Set<String> changedConfigs = new HashSet<>();
  private boolean overflow;

  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicLong eventIds = new AtomicLong();

  /** Records a change. Quick and non-blocking: called on OpAMP event loops. */
  void onEvent(FleetEvent event) {
    synchronized (lock) {
      if (event instanceof FleetEvent.AgentChanged changed) {
        track(changedAgents, changed.after().instanceUid());
      } else if (event instanceof FleetEvent.AgentDeleted deleted) {
        track(deletedAgents, deleted.instanceUid());
      } else if (event instanceof FleetEvent.ConfigSaved saved) {
        changedConfigs.add(saved.version().name());
      } else if (event instanceof FleetEvent.ConfigChanged changed) {
        changedConfigs.add(changed.name());
      }
    }
  }

  // Guarded by lock.
  private void track(Set<InstanceUid> set, InstanceUid uid) {
    if (set.size() < MAX_TRACKED_AGENTS) {
      set.add(uid);
    } else {
      overflow = true;
    }
  }

  /**
   * Adds a page.
   *
   * @param baseline the rows the page shows now; null for views without rows
   * @param resumed the page reconnected (it sent {@code Last-Event-ID}) and may have missed
   *     updates: it gets a full rendering with the next tick
   * @return removes the page
   */
  Runnable subscribe(View view, Sink sink, @Nullable List<String> baseline, Resume resumed) {
    Subscription subscription = new Subscription(view, sink, baseline);
    subscription.needsFullRender = resumed == Resume.RESUMED;
    subscriptions.add(subscription);
    return () -> subscriptions.remove(subscription);
  }

  /** Whether a subscribing page is a reconnection. */
  enum Resume {
    /** A new page. */
    FRESH,
    /** A page that reconnected and may have missed updates. */
    RESUMED
  }

  /** Returns the number of open pages. */
  int size() {
    return subscriptions.size();
  }

  /** Sends the changes collected since the last tick: at most one event per page. */
  void tick() {
    Changes changes;
    synchronized (lock) {
      changes =
          new Changes(
              Set.copyOf(changedAgents),
              Set.copyOf(deletedAgents),
              Set.copyOf(changedConfigs),
              overflow);
      changedAgents = new HashSet<>();
      deletedAgents = new HashSet<>();
      changedConfigs = new HashSet<>();
      overflow = false;
    }
    Map<String, Optional<Update>> rendered = new HashMap<>();
    Map<String, Optional<Update>> renderedFull = new HashMap<>();
    List<Subscription> closed = new ArrayList<>();
    for (Subscription s : subscriptions) {
      if (!s.sink.isOpen()) {
        closed.add(s);
        continue;
      }
      boolean full = s.needsFullRender;
      if (!full && (changes.isEmpty() || !s.view.isAffectedBy(changes))) {
        continue;
      }
      s.needsFullRender = false;
      Optional<Update> update =
          full
              ? renderedFull.computeIfAbsent(
                  s.view.key(), k -> render(s.view, Changes.everything()))
              : rendered.computeIfAbsent(s.view.key(), k -> render(s.view, changes));
      update.ifPresent(u -> send(s, u, full));
    }
    subscriptions.removeAll(closed);
  }

  /**
   * Sends a comment to every page, so proxies keep the connections open and dead ones are found.
   */
  void heartbeat() {
    List<Subscription> closed = new ArrayList<>();
    for (Subscription s : subscriptions) {
      if (!s.sink.isOpen()) {
        closed.add(s);
        continue;
      }
      s.sink.comment("keep-alive");
    }
    subscriptions.removeAll(closed);
  }

  /** Closes every page's connection, at shutdown. */
  void closeAll() {
    for (Subscription s : subscriptions) {
      try {
        s.sink.close();
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "closing a live-update connection failed: " + e.getMessage());
      }
    }
    subscriptions.clear();
  }

  private static Optional<Update> render(View view, Changes changes) {
    try {
      return Optional.ofNullable(view.render(changes));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "rendering live updates for " + view.key() + " failed", e);
      return Optional.empty();
    }
  }

  private void send(Subscription s, Update u, boolean full) {
    String data;
    List<String> rows = u.rows();
    List<String> baseline = s.baseline;
    if (rows == null || baseline == null || rows.equals(baseline)) {
      data = u.regions() + u.rowPatches();
    } else if (full) {
      // A reconnected page cannot know which rows moved: tell it to refresh.
      data = u.regions() + u.staleNotice();
      s.staleNotified = true;
    } else if (!s.staleNotified) {
      data = u.regions() + u.staleNotice();
      s.staleNotified = true;
    } else {
      data = u.regions();
    }
    if (data.isEmpty()) {
      return;
    }
    s.sink.send("patch", data, eventIds.incrementAndGet());
  }
}
