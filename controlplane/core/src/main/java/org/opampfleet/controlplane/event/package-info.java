/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Fleet events published inside the control plane, e.g. for live UI updates. */
@NullMarked
package org.opampfleet.controlplane.event;

import org.jspecify.annotations.NullMarked;
