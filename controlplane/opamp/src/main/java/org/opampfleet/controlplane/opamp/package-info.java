/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The control plane's OpAMP adapter: agent reports go into the inventory, configuration offers,
 * connection settings and commands go out to agents, through the OpAMP server library.
 */
@NullMarked
package org.opampfleet.controlplane.opamp;

import org.jspecify.annotations.NullMarked;
