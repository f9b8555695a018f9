/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The OpAMP Fleet supervisor: runs on every host, owns the OpAMP connection to the control plane,
 * and launches, configures, watches, restarts and reports an OpenTelemetry Collector (or a generic
 * agent). {@link org.opampfleet.supervisor.SupervisorMain} is the command line; {@link
 * org.opampfleet.supervisor.Supervisor} owns the start-up and shutdown order; the agent's state
 * machine (remote config, apply windows, restarts, health) runs on one thread.
 */
@NullMarked
package org.opampfleet.supervisor;

import org.jspecify.annotations.NullMarked;
