/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link TokenStore} must have. {@link #store()} returns an empty store. */
public interface TokenStoreContract {

  /** Returns a new, empty store. */
  TokenStore store();

  @Test
  default void storesListsAndDeletesTokens() {
    TokenStore store = store();
    ApiToken admin =
        new ApiToken("a1b2c3d4", "admin", "ab".repeat(32), Instant.parse("2026-11-28T12:00:00Z"));
    ApiToken ci =
        new ApiToken("e5f6a7b8", "ci", "cd".repeat(32), Instant.parse("2026-11-28T12:01:00Z"));

    store.insert(admin);
    store.insert(ci);

    assertThat(store.list()).containsExactlyInAnyOrder(admin, ci);
    assertThat(store.delete("a1b2c3d4")).isTrue();
    assertThat(store.delete("a1b2c3d4")).isFalse();
    assertThat(store.list()).containsExactly(ci);
  }
}
