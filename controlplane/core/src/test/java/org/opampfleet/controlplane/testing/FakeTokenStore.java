/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.opampfleet.controlplane.auth.ApiToken;
import org.opampfleet.controlplane.auth.TokenStore;

/** An in-memory {@link TokenStore} for tests. */
public final class FakeTokenStore implements TokenStore {
  private final List<ApiToken> tokens = new CopyOnWriteArrayList<>();

  @Override
  public List<ApiToken> list() {
    return List.copyOf(tokens);
  }

  @Override
  public void insert(ApiToken token) {
    tokens.add(token);
  }

  @Override
  public boolean delete(String id) {
    return tokens.removeIf(t -> t.id().equals(id));
  }
}
