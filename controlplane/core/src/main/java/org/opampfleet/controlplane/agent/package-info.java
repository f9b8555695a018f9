/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The agent inventory: what every agent reported, kept in memory and written to storage in batches.
 */
@NullMarked
package org.opampfleet.controlplane.agent;

import org.jspecify.annotations.NullMarked;
