/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.auth;

import java.util.List;

/** Where API token hashes are kept. Implementations are thread-safe and may block. */
public interface TokenStore {

  /** Returns every token. */
  List<ApiToken> list();

  /** Stores a new token. */
  void insert(ApiToken token);

  /** Deletes a token by id. Returns whether it existed. */
  boolean delete(String id);
}
