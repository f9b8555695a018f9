/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The control plane's stores on JDBC: {@link org.opampfleet.controlplane.storage.jdbc.Database}
 * opens an embedded H2 file database or a PostgreSQL database, migrates its schema with Flyway and
 * hands out the agent, configuration and token stores, which run their SQL through Jdbi.
 */
@NullMarked
package org.opampfleet.controlplane.storage.jdbc;

import org.jspecify.annotations.NullMarked;
