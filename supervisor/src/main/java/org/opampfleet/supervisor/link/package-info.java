/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The supervisor's two OpAMP links: {@link org.opampfleet.supervisor.link.UpstreamLink} (our client
 * library, towards the control plane) and {@link org.opampfleet.supervisor.link.CollectorLink} (our
 * server library on loopback, which the collector's {@code opampextension} connects to), with the
 * description, component and TLS helpers they need.
 */
@NullMarked
package org.opampfleet.supervisor.link;

import org.jspecify.annotations.NullMarked;
