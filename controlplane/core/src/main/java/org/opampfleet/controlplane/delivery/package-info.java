/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Decides what each agent should run and sends it through the {@link
 * org.opampfleet.controlplane.delivery.AgentMessenger} port.
 */
@NullMarked
package org.opampfleet.controlplane.delivery;

import org.jspecify.annotations.NullMarked;
