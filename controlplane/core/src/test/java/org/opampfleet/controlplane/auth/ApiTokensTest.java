/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.testing.FakeTokenStore;
import org.opampfleet.controlplane.testing.ManualClock;

class ApiTokensTest {
  private final FakeTokenStore store = new FakeTokenStore();
  private final ApiTokens tokens = new ApiTokens(store, new ManualClock());

  @Test
  void storesOnlyTheHashOfANewToken() {
    ApiTokens.Created created = tokens.create("admin");

    assertThat(created.secret()).startsWith("ofp_").hasSizeGreaterThan(40);
    assertThat(store.list())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.hash()).isEqualTo(ApiTokens.hash(created.secret()));
              assertThat(t.hash()).doesNotContain(created.secret());
              assertThat(t.name()).isEqualTo("admin");
            });
  }

  @Test
  void verifiesTheRightTokenAndNothingElse() {
    ApiTokens.Created created = tokens.create("admin");

    assertThat(tokens.verify(created.secret())).contains(created.token());
    assertThat(tokens.verify(created.secret() + "x")).isEmpty();
    assertThat(tokens.verify("Bearer " + created.secret())).isEmpty();
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify(null)).isEmpty();
  }

  @Test
  void forgetsARevokedToken() {
    ApiTokens.Created created = tokens.create("ci");

    assertThat(tokens.revoke(created.token().id())).isTrue();
    assertThat(tokens.verify(created.secret())).isEmpty();
    assertThat(new ApiTokens(store, new ManualClock()).isEmpty()).isTrue();
  }

  @Test
  void readsTokensCreatedBeforeARestart() {
    ApiTokens.Created created = tokens.create("admin");

    ApiTokens restarted = new ApiTokens(store, new ManualClock());

    assertThat(restarted.isEmpty()).isFalse();
    assertThat(restarted.verify(created.secret())).isPresent();
  }
}
