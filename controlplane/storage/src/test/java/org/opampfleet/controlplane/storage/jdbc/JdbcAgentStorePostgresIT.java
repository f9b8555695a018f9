/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.opampfleet.controlplane.agent.AgentStore;
import org.opampfleet.controlplane.agent.AgentStoreContract;

/**
 * Runs the {@link AgentStore} contract, and the JDBC store's own checks, on an embedded PostgreSQL
 * 17 database.
 */
class JdbcAgentStorePostgresIT implements AgentStoreContract, JdbcAgentStoreChecks {

  @RegisterExtension
  static final PostgresDatabaseExtension DATABASE = new PostgresDatabaseExtension();

  @Override
  public AgentStore store() {
    return DATABASE.emptyDatabase().agents();
  }
}
