/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Named configurations: selectors, priorities, immutable versions, validation and diffs. */
@NullMarked
package org.opampfleet.controlplane.config;

import org.jspecify.annotations.NullMarked;
