/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.opampfleet.controlplane.auth.TokenStore;
import org.opampfleet.controlplane.auth.TokenStoreContract;

/**
 * Runs the {@link TokenStore} contract, and the JDBC store's own checks, on an embedded PostgreSQL
 * 17 database.
 */
class JdbcTokenStorePostgresIT implements TokenStoreContract, JdbcTokenStoreChecks {

  @RegisterExtension
  static final PostgresDatabaseExtension DATABASE = new PostgresDatabaseExtension();

  @Override
  public TokenStore store() {
    return DATABASE.emptyDatabase().tokens();
  }
}
