/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;

/**
 * Shares equal strings among the agents the inventory holds.
 *
 * <p>A fleet repeats itself: every agent reports {@code service.name}, {@code host.arch}, the same
 * component names and statuses, and often the very same effective configuration. Each report
 * decodes them into new strings; kept per agent, duplicates were most of the control plane's heap
 * (measured: 55 strings per agent at 19,000 agents, docs/benchmarks.md). The JVM's string table
 * ({@link String#intern()}) shares them, and forgets a string once no agent holds it, so values
 * unique to one agent (host names) cost nothing extra for long.
 *
 * <p>Call it where agent data enters memory (a report, a database load), not on every copy.
 *
 * <p><b>Thread safety:</b> stateless; safe from any thread.
 */
public final class Interning {
  // Component maps by content, held weakly: an entry goes once no agent holds its map.
  private static final Map<AvailableComponents, WeakReference<AvailableComponents>> COMPONENTS =
      new WeakHashMap<>();

  private Interning() {}

  /** Returns the shared instance equal to {@code value}. */
  public static String string(String value) {
    return value.intern();
  }

  /**
   * Returns a health tree equal to {@code health} whose names, statuses and errors are shared
   * strings. Attributes (rare, free-form) are kept as they are.
   */
  public static ComponentHealth health(ComponentHealth health) {
    ComponentHealth.Builder out =
        health.toBuilder()
            .setStatus(string(health.getStatus()))
            .setLastError(string(health.getLastError()))
            .clearComponentHealthMap();
    health
        .getComponentHealthMapMap()
        .forEach((name, child) -> out.putComponentHealthMap(string(name), health(child)));
    return out.build();
  }

  /**
   * Returns the shared instance equal to {@code components}. Agents of one build report the same
   * component map (a collector's is several KiB), so the fleet keeps one copy per distinct map.
   */
  public static AvailableComponents components(AvailableComponents components) {
    synchronized (COMPONENTS) {
      WeakReference<AvailableComponents> ref = COMPONENTS.get(components);
      AvailableComponents shared = ref == null ? null : ref.get();
      if (shared != null) {
        return shared;
      }
      COMPONENTS.put(components, new WeakReference<>(components));
      return components;
    }
  }
}
