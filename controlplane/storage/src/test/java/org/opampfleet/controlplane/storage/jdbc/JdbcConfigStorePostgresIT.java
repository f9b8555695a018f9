/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.opampfleet.controlplane.config.ConfigStore;
import org.opampfleet.controlplane.config.ConfigStoreContract;

/**
 * Runs the {@link ConfigStore} contract, and the JDBC store's own checks, on an embedded PostgreSQL
 * 17 database.
 */
class JdbcConfigStorePostgresIT implements ConfigStoreContract, JdbcConfigStoreChecks {

  @RegisterExtension
  static final PostgresDatabaseExtension DATABASE = new PostgresDatabaseExtension();

  @Override
  public ConfigStore store() {
    return DATABASE.emptyDatabase().configs();
  }
}
