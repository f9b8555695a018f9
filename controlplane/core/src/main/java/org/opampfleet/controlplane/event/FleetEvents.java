/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * In-process publish/subscribe for {@link FleetEvent}s.
 *
 * <p><b>Thread safety:</b> thread-safe. Listeners run on the publishing thread (often an OpAMP
 * event loop), so they must be quick and must not block: record what changed and hand work off. A
 * listener that throws is logged and does not stop the others.
 */
public final class FleetEvents {
  private static final System.Logger LOG = System.getLogger(FleetEvents.class.getName());

  private final List<Consumer<FleetEvent>> listeners = new CopyOnWriteArrayList<>();

  /** Adds a listener; returns a handle that removes it. */
  public AutoCloseable subscribe(Consumer<FleetEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Delivers an event to every listener. */
  public void publish(FleetEvent event) {
    for (Consumer<FleetEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.ERROR,
            "a fleet event listener failed on " + event.getClass().getSimpleName(),
            e);
      }
    }
  }
}
