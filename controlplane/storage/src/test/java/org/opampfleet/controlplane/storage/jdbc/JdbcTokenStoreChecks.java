/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.auth.ApiToken;
import org.opampfleet.controlplane.auth.TokenStore;
import org.opampfleet.controlplane.auth.TokenStoreContract;

/** What the JDBC token store does beyond the {@link TokenStoreContract}, on either database. */
interface JdbcTokenStoreChecks {

  /** Returns the store, emptied. */
  TokenStore store();

  Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  @Test
  default void refusesASecondTokenWithTheSameIdOrHashWithoutShowingTheHash() {
    TokenStore store = store();
    ApiToken admin = new ApiToken("a1b2c3d4", "admin", "ab".repeat(32), T0);
    store.insert(admin);

    assertThatThrownBy(() -> store.insert(new ApiToken("a1b2c3d4", "x", "cd".repeat(32), T0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a1b2c3d4")
        .hasMessageNotContaining("cdcd");
    assertThatThrownBy(() -> store.insert(new ApiToken("e5f6a7b8", "x", "ab".repeat(32), T0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("abab");
    assertThat(store.list()).containsExactly(admin);
  }

  @Test
  default void listsTokensOldestFirst() {
    TokenStore store = store();
    ApiToken newer = new ApiToken("00000001", "newer", "01".repeat(32), T0.plusSeconds(1));
    ApiToken older = new ApiToken("00000002", "older", "02".repeat(32), T0);
    store.insert(newer);
    store.insert(older);

    assertThat(store.list()).containsExactly(older, newer);
  }
}
