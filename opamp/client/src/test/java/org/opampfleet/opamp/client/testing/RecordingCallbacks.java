/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.opampfleet.opamp.client.ClientCallbacks;
import org.opampfleet.opamp.client.TelemetrySignal;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.OtherConnectionSettings;
import org.opampfleet.opamp.protocol.PackagesAvailable;
import org.opampfleet.opamp.protocol.ServerErrorResponse;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * {@link ClientCallbacks} that record every call as an {@link Event}, check that calls never
 * overlap, and can refuse connection settings.
 */
public final class RecordingCallbacks implements ClientCallbacks {

  /** One callback call: the method's name and its arguments. */
  public record Event(String name, List<Object> arguments) {
    /** Returns the first argument. */
    public Object argument() {
      return arguments.get(0);
    }
  }

  private final List<Event> events = new ArrayList<>();
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean overlapped;
  private volatile String refuseOpampSettings;
  private volatile Consumer<Event> listener = event -> {};

  /** Makes {@link #onOpampConnectionSettings} refuse every offer with this message. */
  public void refuseOpampSettings(String message) {
    this.refuseOpampSettings = message;
  }

  /** Sets code run on the callback thread after each event is recorded. */
  public void onEvent(Consumer<Event> listener) {
    this.listener = listener;
  }

  /** Returns every event so far. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** Returns the events with this name. */
  public synchronized List<Event> events(String name) {
    return events.stream().filter(event -> event.name().equals(name)).toList();
  }

  /** Returns the names of every event so far, in order. */
  public synchronized List<String> names() {
    return events.stream().map(Event::name).toList();
  }

  /** Returns whether two calls ever ran at the same time. */
  public boolean overlapped() {
    return overlapped;
  }

  private void record(String name, Object... arguments) {
    if (active.incrementAndGet() != 1) {
      overlapped = true;
    }
    try {
      Event event = new Event(name, List.of(arguments));
      synchronized (this) {
        events.add(event);
      }
      listener.accept(event);
    } finally {
      active.decrementAndGet();
    }
  }

  @Override
  public void onConnected() {
    record("onConnected");
  }

  @Override
  public void onConnectFailed(Throwable cause) {
    record("onConnectFailed", cause);
  }

  @Override
  public void onConnectionLost(Throwable cause) {
    record("onConnectionLost", cause);
  }

  @Override
  public void onServerError(ServerErrorResponse error) {
    record("onServerError", error);
  }

  @Override
  public void onRemoteConfig(AgentRemoteConfig config) {
    record("onRemoteConfig", config);
  }

  @Override
  public void onOpampConnectionSettings(OpAMPConnectionSettings offered) {
    record("onOpampConnectionSettings", offered);
    String refusal = refuseOpampSettings;
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  @Override
  public void onOpampConnectionSettingsApplied(OpAMPConnectionSettings applied) {
    record("onOpampConnectionSettingsApplied", applied);
  }

  @Override
  public void onOpampConnectionSettingsFailed(OpAMPConnectionSettings offered, Throwable cause) {
    record("onOpampConnectionSettingsFailed", offered, cause);
  }

  @Override
  public void onOwnTelemetryConnectionSettings(
      TelemetrySignal signal, TelemetryConnectionSettings settings) {
    record("onOwnTelemetryConnectionSettings", signal, settings);
  }

  @Override
  public void onOtherConnectionSettings(String name, OtherConnectionSettings settings) {
    record("onOtherConnectionSettings", name, settings);
  }

  @Override
  public void onPackagesAvailable(PackagesAvailable packages) {
    record("onPackagesAvailable", packages);
  }

  @Override
  public void onNewInstanceUid(InstanceUid newUid) {
    record("onNewInstanceUid", newUid);
  }

  @Override
  public void onCommand(ServerToAgentCommand command) {
    record("onCommand", command);
  }

  @Override
  public void onCustomMessage(CustomMessage message) {
    record("onCustomMessage", message);
  }

  @Override
  public void onCustomCapabilities(CustomCapabilities capabilities) {
    record("onCustomCapabilities", capabilities);
  }
}
