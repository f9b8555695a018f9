/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.auth;

import org.opampfleet.controlplane.testing.FakeTokenStore;

/** Runs the contract against the fake. */
class FakeTokenStoreTest implements TokenStoreContract {
  @Override
  public TokenStore store() {
    return new FakeTokenStore();
  }
}
