/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import org.opampfleet.controlplane.testing.FakeConfigStore;

/** Runs the contract against the fake, so the fake behaves like the real stores. */
class FakeConfigStoreTest implements ConfigStoreContract {
  @Override
  public ConfigStore store() {
    return new FakeConfigStore();
  }
}
