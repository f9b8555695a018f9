/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.auth.ApiTokens;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.delivery.DeliveryService;
import org.opampfleet.controlplane.event.FleetEvents;
import org.opampfleet.controlplane.status.FleetView;

/**
 * The control plane core services the web server works with, wired by the application.
 *
 * <p><b>Thread safety:</b> immutable; the services themselves are thread-safe.
 *
 * @param inventory the agents
 * @param configs the configurations
 * @param delivery sends configurations and commands to agents
 * @param fleetView read-side queries and statuses
 * @param apiTokens checks bearer tokens
 * @param fleetEvents changes, for live updates
 * @param clock the time, for sessions and "as of" stamps
 */
public record WebServices(
    Inventory inventory,
    ConfigService configs,
    DeliveryService delivery,
    FleetView fleetView,
    ApiTokens apiTokens,
    FleetEvents fleetEvents,
    Clock clock) {

  /** Validates the fields. */
  public WebServices {
    requireNonNull(inventory, "inventory");
    requireNonNull(configs, "configs");
    requireNonNull(delivery, "delivery");
    requireNonNull(fleetView, "fleetView");
    requireNonNull(apiTokens, "apiTokens");
    requireNonNull(fleetEvents, "fleetEvents");
    requireNonNull(clock, "clock");
  }
}
