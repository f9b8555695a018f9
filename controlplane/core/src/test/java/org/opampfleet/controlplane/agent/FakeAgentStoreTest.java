/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import org.opampfleet.controlplane.testing.FakeAgentStore;

/** Runs the contract against the fake, so the fake behaves like the real stores. */
class FakeAgentStoreTest implements AgentStoreContract {
  @Override
  public AgentStore store() {
    return new FakeAgentStore();
  }
}
