/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The supervisor's own telemetry: its logs (Logback, configured in code from {@code
 * telemetry.logs}, in the Go supervisor's JSON or console encoding) and its metrics (a small
 * registry served in Prometheus text form and pushed over OTLP/HTTP).
 */
@NullMarked
package org.opampfleet.supervisor.telemetry;

import org.jspecify.annotations.NullMarked;
