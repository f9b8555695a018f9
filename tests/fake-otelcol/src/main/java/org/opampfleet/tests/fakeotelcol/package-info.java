/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * A stand-in for the OpenTelemetry Collector binary ({@code otelcol}), for supervisor and
 * end-to-end tests: it takes the collector's command line, parses and checks its YAML like the real
 * one, serves the {@code health_check} extension and Prometheus self-metrics, speaks OpAMP to a
 * supervisor like {@code opampextension}, and fails on request (see {@link
 * org.opampfleet.tests.fakeotelcol.Faults}). It moves no telemetry.
 */
@NullMarked
package org.opampfleet.tests.fakeotelcol;

import org.jspecify.annotations.NullMarked;
