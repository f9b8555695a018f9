/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransportMixTest {

  @Test
  void countsExactlyTheFractionOfHttpAgents() {
    TransportMix mix = new TransportMix(0.3);

    assertThat(mix.httpAgents(0, 100_000)).isEqualTo(30_000);
    assertThat(mix.webSocketAgents(0, 100_000)).isEqualTo(70_000);
  }

  @Test
  void agreesWithItselfPerAgentAndPerRange() {
    TransportMix mix = new TransportMix(0.37);
    long counted = 0;
    for (long i = 1_000; i < 3_000; i++) {
      counted += mix.isHttp(i) ? 1 : 0;
    }

    assertThat(counted).isEqualTo(mix.httpAgents(1_000, 3_000));
  }

  @Test
  void coversTheExtremes() {
    assertThat(TransportMix.WEBSOCKET.httpAgents(0, 1_000)).isZero();
    assertThat(TransportMix.HTTP.httpAgents(0, 1_000)).isEqualTo(1_000);
    assertThat(TransportMix.HTTP.isHttp(0)).isTrue();
    assertThat(TransportMix.WEBSOCKET.isHttp(0)).isFalse();
  }

  @Test
  void rejectsFractionsOutsideZeroToOne() {
    assertThatThrownBy(() -> new TransportMix(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("httpFraction: 1.5 (expected: 0 to 1)");
  }
}
