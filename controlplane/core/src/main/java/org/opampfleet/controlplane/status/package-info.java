/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The four independent status dimensions of an agent (connection, health, remote config, drift) and
 * fleet summaries derived from them.
 */
@NullMarked
package org.opampfleet.controlplane.status;

import org.jspecify.annotations.NullMarked;
