/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.event.FleetEvent;
import org.opampfleet.controlplane.event.FleetEvents;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The agent inventory: every agent ever seen, in memory, written to the {@link AgentStore} in
 * batches.
 *
 * <p>Status reports update memory first and return at once (the OpAMP event loops never wait for
 * the database); {@link #flush()} writes the changed snapshots and new timeline events in one
 * batch, run every {@code interval} by {@link #startWriteBehind} (less often while the database is
 * slow, and after a burst of changes rather than during it; never more than {@value
 * #MAX_WRITE_DELAY_SECONDS} s apart). A failed write keeps the changes for the next batch. Timeline
 * events waiting for a write are bounded ({@value #MAX_PENDING_EVENTS}); beyond that the oldest are
 * dropped and counted.
 *
 * <p><b>Thread safety:</b> thread-safe. Updates of one agent are atomic; snapshots are immutable.
 */
public final class Inventory {
  /** How many write-behind batches pass between two writes of last-seen times alone. */
  public static final int LAST_SEEN_EVERY = 60;

  /** The longest wait between two write-behind batches, however slow the database. */
  static final int MAX_WRITE_DELAY_SECONDS = 15;

  /**
   * Changes per second of write-behind interval above which the fleet is in a burst (a rollout, a
   * reconnect storm) and the next batch waits for it to pass; see {@link #deferWrite}.
   */
  static final int BURST_CHANGES_PER_SECOND = 1_000;

  /** The most timeline events kept in memory while the database cannot take them. */
  public static final int MAX_PENDING_EVENTS = 100_000;

  private static final System.Logger LOG = System.getLogger(Inventory.class.getName());

  private final AgentStore store;
  private final FleetEvents events;
  private final Clock clock;
  private final ConcurrentHashMap<InstanceUid, Agent> agents = new ConcurrentHashMap<>();
  private final Set<InstanceUid> dirty = ConcurrentHashMap.newKeySet();
  // Agents whose only change since their last write is lastSeen (heartbeats): written with a cheap
  // last-seen batch every LAST_SEEN_EVERY flushes.
  private final Set<InstanceUid> touched = ConcurrentHashMap.newKeySet();
  private int flushes;
  private final ConcurrentLinkedQueue<AgentEvent> pendingEvents = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingEventCount = new AtomicInteger();
  private final AtomicLong droppedEvents = new AtomicLong();
  private final AtomicLong lastBatchNanos = new AtomicLong();
  // Snapshots replaced by update/updateExisting (not touch): how busy the fleet is.
  private final AtomicLong changes = new AtomicLong();
  // Written by the write-behind task only.
  private long changesAtLastTick;
  private long lastTickNanos = System.nanoTime();
  private long lastWriteNanos = lastTickNanos;
  private final Object flushLock = new Object();
  private @Nullable ScheduledFuture<?> writeBehind;
  private @Nullable ScheduledExecutorService writeBehindScheduler;
  private Duration writeBehindInterval = Duration.ofSeconds(1);

  /** Creates an empty inventory; {@link #load()} fills it from the store. */
  public Inventory(AgentStore store, FleetEvents events, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.events = requireNonNull(events, "events");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Loads every stored agent. Agents recorded as connected are marked disconnected: after a restart
   * no connection survives, and agents that are still there reconnect.
   */
  public void load() {
    Instant now = clock.instant();
    for (Agent agent : store.loadAll()) {
      Agent loaded = agent;
      if (agent.connection().connected()) {
        AgentConnectionInfo c = agent.connection();
        loaded =
            agent.toBuilder()
                .connection(
                    new AgentConnectionInfo(
                        false,
                        c.transport(),
                        c.remoteAddress(),
                        c.connectedAt(),
                        now,
                        "SERVER_RESTART"))
                .build();
        dirty.add(agent.instanceUid());
      }
      agents.put(agent.instanceUid(), loaded);
    }
  }

  /** Returns the clock the inventory stamps changes with. */
  public Clock clock() {
    return clock;
  }

  /** Returns an agent's snapshot. */
  public Optional<Agent> get(InstanceUid instanceUid) {
    return Optional.ofNullable(agents.get(instanceUid));
  }

  /** Returns a view of every agent's current snapshot. Iterating it is weakly consistent. */
  public Collection<Agent> all() {
    return agents.values();
  }

  /** Returns the number of agents. */
  public int size() {
    return agents.size();
  }

  /**
   * Changes an agent atomically, creating it first if it is new.
   *
   * @param create makes the snapshot of an agent not seen before
   * @param change turns the current snapshot into the new one; may return it unchanged
   * @return the new snapshot
   */
  public Agent update(
      InstanceUid instanceUid, UnaryOperator<Agent> create, UnaryOperator<Agent> change) {
    Agent[] before = new Agent[1];
    Agent after =
        agents.compute(
            instanceUid,
            (uid, current) -> {
              before[0] = current;
              Agent base = current != null ? current : create.apply(null);
              return change.apply(base);
            });
    if (after != before[0]) {
      dirty.add(instanceUid);
      changes.incrementAndGet();
      events.publish(new FleetEvent.AgentChanged(before[0], after));
    }
    return after;
  }

  /**
   * Changes an existing agent atomically.
   *
   * @return the new snapshot, or empty if there is no such agent
   */
  public Optional<Agent> updateExisting(InstanceUid instanceUid, UnaryOperator<Agent> change) {
    Agent[] before = new Agent[1];
    Agent after =
        agents.computeIfPresent(
            instanceUid,
            (uid, current) -> {
              before[0] = current;
              return change.apply(current);
            });
    if (after == null) {
      return Optional.empty();
    }
    if (after != before[0]) {
      dirty.add(instanceUid);
      changes.incrementAndGet();
      events.publish(new FleetEvent.AgentChanged(before[0], after));
    }
    return Optional.of(after);
  }

  /**
   * Records that an agent was heard from, and nothing else changed (a heartbeat or an empty poll).
   * Costs no event and no full write: last-seen times are written in a cheap batch every {@value
   * #LAST_SEEN_EVERY} write-behind batches, or with the agent's next real change.
   *
   * @return whether the agent exists
   */
  public boolean touch(InstanceUid instanceUid, Instant lastSeen) {
    Agent after =
        agents.computeIfPresent(
            instanceUid, (uid, current) -> current.toBuilder().lastSeen(lastSeen).build());
    if (after == null) {
      return false;
    }
    touched.add(instanceUid);
    return true;
  }

  /**
   * Moves an agent to a new instance UID (the server assigned one): its record, labels and timeline
   * continue under the new UID.
   */
  public void rekey(InstanceUid from, InstanceUid to) {
    Agent moved = agents.remove(from);
    if (moved == null) {
      return;
    }
    agents.put(to, moved.toBuilder().instanceUid(to).build());
    dirty.remove(from);
    dirty.add(to);
    deleteFromStore(from);
    events.publish(new FleetEvent.AgentDeleted(from));
    events.publish(new FleetEvent.AgentChanged(null, agents.get(to)));
  }

  /** Records a timeline event; it is written with the next batch. */
  public void record(AgentEvent event) {
    pendingEvents.add(event);
    if (pendingEventCount.incrementAndGet() > MAX_PENDING_EVENTS && pendingEvents.poll() != null) {
      pendingEventCount.decrementAndGet();
      droppedEvents.incrementAndGet();
    }
  }

  /** Records a timeline event of {@code kind} now. */
  public void record(InstanceUid instanceUid, AgentEvent.Kind kind, String message) {
    record(new AgentEvent(instanceUid, clock.instant(), kind, message));
  }

  /**
   * Returns an agent's timeline, newest first, including events not written yet.
   *
   * @param before only events strictly before this time; null for the newest
   */
  public List<AgentEvent> timeline(InstanceUid instanceUid, @Nullable Instant before, int limit) {
    List<AgentEvent> merged = new ArrayList<>();
    for (AgentEvent event : pendingEvents) {
      if (event.instanceUid().equals(instanceUid)
          && (before == null || event.time().isBefore(before))) {
        merged.add(event);
      }
    }
    // Newest first among equal times too: pending events are in insertion order.
    java.util.Collections.reverse(merged);
    merged.addAll(store.events(instanceUid, before, limit));
    merged.sort(Comparator.comparing(AgentEvent::time).reversed());
    return List.copyOf(merged.subList(0, Math.min(limit, merged.size())));
  }

  /**
   * Deletes an agent and its timeline. A connected agent that reports again reappears.
   *
   * @return whether it existed
   */
  public boolean delete(InstanceUid instanceUid) {
    boolean existed = agents.remove(instanceUid) != null;
    dirty.remove(instanceUid);
    pendingEvents.removeIf(e -> e.instanceUid().equals(instanceUid));
    existed |= deleteFromStore(instanceUid);
    if (existed) {
      events.publish(new FleetEvent.AgentDeleted(instanceUid));
    }
    return existed;
  }

  /**
   * Writes the agents changed since the last batch and the new timeline events. Returns the number
   * of agents written. Failures are logged and the changes kept for the next batch.
   */
  public int flush() {
    return flush(false);
  }

  private int flush(boolean everyLastSeen) {
    synchronized (flushLock) {
      long start = System.nanoTime();
      List<InstanceUid> uids = new ArrayList<>(dirty);
      List<Agent> batch = new ArrayList<>(uids.size());
      for (InstanceUid uid : uids) {
        dirty.remove(uid);
        Agent agent = agents.get(uid);
        if (agent != null) {
          batch.add(agent);
        }
      }
      // A full write carries lastSeen; the rest wait for every LAST_SEEN_EVERY-th batch, so the
      // touched set is walked only then.
      uids.forEach(touched::remove);
      Map<InstanceUid, Instant> lastSeen = new HashMap<>();
      if (++flushes % LAST_SEEN_EVERY == 0 || everyLastSeen) {
        for (InstanceUid uid : new ArrayList<>(touched)) {
          touched.remove(uid);
          Agent agent = agents.get(uid);
          if (agent != null) {
            lastSeen.put(uid, agent.lastSeen());
          }
        }
      }
      List<AgentEvent> eventBatch = new ArrayList<>();
      AgentEvent event;
      while ((event = pendingEvents.poll()) != null) {
        pendingEventCount.decrementAndGet();
        eventBatch.add(event);
      }
      try {
        if (!batch.isEmpty()) {
          store.saveAll(batch);
        }
        if (!eventBatch.isEmpty()) {
          store.appendEvents(eventBatch);
        }
        if (!lastSeen.isEmpty()) {
          store.saveLastSeen(lastSeen);
        }
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "could not write "
                + batch.size()
                + " agents and "
                + eventBatch.size()
                + " timeline events to the database; keeping them for the next attempt: "
                + e.getMessage());
        uids.forEach(dirty::add);
        touched.addAll(lastSeen.keySet());
        eventBatch.forEach(this::record);
        return 0;
      }
      lastBatchNanos.set(System.nanoTime() - start);
      return batch.size();
    }
  }

  /**
   * Starts writing changes every {@code interval} on {@code scheduler}, or less often while batches
   * are slow (see {@link #nextWriteDelay}).
   */
  public synchronized void startWriteBehind(ScheduledExecutorService scheduler, Duration interval) {
    if (writeBehind != null) {
      throw new IllegalStateException("write-behind already started");
    }
    writeBehindScheduler = scheduler;
    writeBehindInterval = interval;
    writeBehind = scheduler.schedule(this::writeBehindBatch, interval.toMillis(), MILLISECONDS);
  }

  private void writeBehindBatch() {
    long now = System.nanoTime();
    long total = changes.get();
    long changedSinceTick = total - changesAtLastTick;
    Duration sinceTick = Duration.ofNanos(now - lastTickNanos);
    changesAtLastTick = total;
    lastTickNanos = now;
    Duration delay;
    if (deferWrite(changedSinceTick, sinceTick, Duration.ofNanos(now - lastWriteNanos))) {
      delay = writeBehindInterval;
    } else {
      lastWriteNanos = now;
      flush(false);
      delay = nextWriteDelay(writeBehindInterval, lastBatchDuration());
    }
    synchronized (this) {
      if (writeBehind != null && writeBehindScheduler != null) { // not stopped meanwhile
        writeBehind =
            writeBehindScheduler.schedule(this::writeBehindBatch, delay.toMillis(), MILLISECONDS);
      }
    }
  }

  /**
   * Whether the next write-behind batch should wait one more interval: the fleet changed faster
   * than {@value #BURST_CHANGES_PER_SECOND} times a second since the last tick (a rollout, a
   * reconnect storm), and the last write is less than {@value #MAX_WRITE_DELAY_SECONDS} s ago.
   * During a burst the database writer would take CPU from the event loops that answer the agents
   * and write most agents twice (a rollout's APPLYING, then APPLIED); one batch after it writes
   * each agent once. Changes wait at most as long as without a burst.
   */
  static boolean deferWrite(long changesSinceTick, Duration sinceTick, Duration sinceLastWrite) {
    double perSecond = changesSinceTick / Math.max(0.001, sinceTick.toNanos() / 1e9);
    return perSecond > BURST_CHANGES_PER_SECOND
        && sinceLastWrite.compareTo(Duration.ofSeconds(MAX_WRITE_DELAY_SECONDS)) < 0;
  }

  /**
   * How long to wait after a batch that took {@code lastBatch}: the interval, or three times the
   * batch while batches are slow, that at most {@value #MAX_WRITE_DELAY_SECONDS} s. Waiting longer
   * merges changes (an agent's APPLYING and APPLIED become one write) and keeps the database writer
   * to about a quarter of a core, so the event loops keep theirs.
   */
  static Duration nextWriteDelay(Duration interval, Duration lastBatch) {
    Duration slow = lastBatch.multipliedBy(3);
    Duration cap = Duration.ofSeconds(MAX_WRITE_DELAY_SECONDS);
    Duration capped = slow.compareTo(cap) > 0 ? cap : slow;
    return capped.compareTo(interval) > 0 ? capped : interval;
  }

  /** Stops the periodic writes and writes what is left. */
  public void stopWriteBehind() {
    synchronized (this) {
      if (writeBehind != null) {
        writeBehind.cancel(false);
        writeBehind = null;
      }
    }
    flush(true);
  }

  /** Returns how many timeline events were dropped because the database could not keep up. */
  public long droppedEvents() {
    return droppedEvents.get();
  }

  /** Returns how long the last successful batch write took. */
  public Duration lastBatchDuration() {
    return Duration.ofNanos(lastBatchNanos.get());
  }

  /** Returns the number of agents waiting to be written. */
  public int pendingWrites() {
    return dirty.size();
  }

  private boolean deleteFromStore(InstanceUid instanceUid) {
    try {
      return store.delete(instanceUid);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not delete agent " + instanceUid + " from the database: " + e.getMessage());
      return false;
    }
  }
}
