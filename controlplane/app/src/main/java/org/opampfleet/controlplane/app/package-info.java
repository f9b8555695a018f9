/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The control plane server: configuration from flags, environment and a YAML file; start-up and
 * shutdown order; self-telemetry; the {@code main} method.
 */
@NullMarked
package org.opampfleet.controlplane.app;

import org.jspecify.annotations.NullMarked;
