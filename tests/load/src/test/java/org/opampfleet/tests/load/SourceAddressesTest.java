/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceAddressesTest {

  @Test
  void needsEnoughAddressesForTheSockets() {
    assertThat(SourceAddresses.needed(0, 10_000)).isEqualTo(1);
    assertThat(SourceAddresses.needed(10_000, 10_000)).isEqualTo(1);
    assertThat(SourceAddresses.needed(10_001, 10_000)).isEqualTo(2);
    assertThat(SourceAddresses.needed(18_000, 10_000)).isEqualTo(2);
  }

  @Test
  void handsOutConsecutiveLoopbackAddresses() {
    assertThat(SourceAddresses.range(2, 3)).containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.4");
  }

  @Test
  void spreadsSocketsRoundRobin() {
    List<String> addresses = List.of("127.0.0.2", "127.0.0.3");

    assertThat(SourceAddresses.forSocket(addresses, 0)).isEqualTo("127.0.0.2");
    assertThat(SourceAddresses.forSocket(addresses, 1)).isEqualTo("127.0.0.3");
    assertThat(SourceAddresses.forSocket(addresses, 2)).isEqualTo("127.0.0.2");
  }

  @Test
  void refusesToPassTheEndOfTheRange() {
    assertThatThrownBy(() -> SourceAddresses.range(250, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.254");
  }
}
