/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.agent.Transport;

class SqlValuesTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  @Test
  void truncatesAndRoundsUpToTheMicrosecond() {
    assertThat(SqlValues.truncate(T0.plusNanos(1_999))).isEqualTo(T0.plusNanos(1_000));
    assertThat(SqlValues.ceil(T0.plusNanos(1_001))).isEqualTo(T0.plusNanos(2_000));
    assertThat(SqlValues.ceil(T0.plusNanos(2_000))).isEqualTo(T0.plusNanos(2_000));
    assertThat(SqlValues.ceil(T0.minusNanos(1))).isEqualTo(T0);
  }

  @Test
  void replacesOnlyWhatPostgresqlCannotStore() {
    assertThat(SqlValues.storable("plain é 🚀")).isEqualTo("plain é 🚀");
    assertThat(SqlValues.storable("a\u0000b")).isEqualTo("a\ufffdb");
    assertThat(SqlValues.storable("\ud800x\udc00")).isEqualTo("\ufffdx\ufffd");
    assertThat(SqlValues.storable("end\ud83d")).isEqualTo("end\ufffd");
  }

  @Test
  void namesTheColumnOfAnUnknownEnumConstant() {
    assertThat(SqlValues.enumValue(Transport.class, "transport", "HTTP")).isEqualTo(Transport.HTTP);
    assertThatThrownBy(() -> SqlValues.enumValue(Transport.class, "transport", "QUIC"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("column transport holds \"QUIC\" (expected: a Transport constant)");
  }
}
