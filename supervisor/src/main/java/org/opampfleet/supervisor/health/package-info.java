/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Health in both directions: the supervisor's own HTTP endpoint ({@code healthcheck}: {@code
 * /health} as upstream, {@code /ready} including the collector, {@code /metrics}) and the probe
 * that judges a generic agent's health over HTTP.
 */
@NullMarked
package org.opampfleet.supervisor.health;

import org.jspecify.annotations.NullMarked;
