/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opampfleet.opamp.protocol.AgentCapabilities;
import org.opampfleet.opamp.protocol.AgentToServerFlags;
import org.opampfleet.opamp.protocol.ServerCapabilities;
import org.opampfleet.opamp.protocol.ServerToAgentFlags;

class BitmaskTest {

  static Stream<Arguments> flagEnums() {
    return Stream.of(
        Arguments.of(
            AgentCapabilities.getDescriptor(), AgentCapability.BITMASK, AgentCapability.values()),
        Arguments.of(
            ServerCapabilities.getDescriptor(),
            ServerCapability.BITMASK,
            ServerCapability.values()),
        Arguments.of(
            AgentToServerFlags.getDescriptor(),
            AgentToServerFlag.BITMASK,
            AgentToServerFlag.values()),
        Arguments.of(
            ServerToAgentFlags.getDescriptor(),
            ServerToAgentFlag.BITMASK,
            ServerToAgentFlag.values()));
  }

  @ParameterizedTest
  @MethodSource("flagEnums")
  <E extends Enum<E> & BitFlag> void namesEveryBitTheSpecificationDefinesExactlyOnce(
      EnumDescriptor spec, Bitmask<E> bitmask, E[] constants) {
    Map<Long, E> byBit = new HashMap<>();
    for (E constant : constants) {
      assertThat(byBit.put(constant.bit(), constant)).as("bit of " + constant).isNull();
    }
    long specBits = 0;
    for (EnumValueDescriptor value : spec.getValues()) {
      if (value.getNumber() == 0) {
        continue; // *_Unspecified names no bit
      }
      specBits |= value.getNumber();
      E constant = byBit.get((long) value.getNumber());
      assertThat(constant).as("our constant for " + value.getName()).isNotNull();
      // Our name is the spec's name without its enum prefix, in upper snake case.
      String specName = value.getName().substring(value.getName().indexOf('_') + 1);
      assertThat(constant.name().replace("_", "")).isEqualToIgnoringCase(specName);
    }
    assertThat(bitmask.knownBits()).isEqualTo(specBits);
    assertThat(constants).hasSize(spec.getValues().size() - 1);
  }

  @ParameterizedTest
  @MethodSource("flagEnums")
  <E extends Enum<E> & BitFlag> void convertsEveryBitToASetAndBack(
      EnumDescriptor spec, Bitmask<E> bitmask, E[] constants) {
    for (E constant : constants) {
      EnumSet<E> set = bitmask.toSet(constant.bit());

      assertThat(set).containsExactly(constant);
      assertThat(bitmask.toMask(set)).isEqualTo(constant.bit());
      assertThat(constant.isSetIn(constant.bit())).isTrue();
      assertThat(constant.isSetIn(~constant.bit())).isFalse();
    }
    assertThat(bitmask.toSet(bitmask.knownBits())).containsExactly(constants);
    assertThat(bitmask.toSet(0)).isEmpty();
    assertThat(bitmask.toMask(EnumSet.noneOf(constants[0].getDeclaringClass()))).isZero();
  }

  @Test
  void readsTheCapabilitiesOfATypicalCollector() {
    long mask =
        AgentCapabilities.AgentCapabilities_ReportsStatus_VALUE
            | AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig_VALUE
            | AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig_VALUE
            | AgentCapabilities.AgentCapabilities_ReportsHealth_VALUE
            | AgentCapabilities.AgentCapabilities_ReportsHeartbeat_VALUE;

    assertThat(mask).isEqualTo(0x2807L);
    assertThat(AgentCapability.BITMASK.toSet(mask))
        .containsExactly(
            AgentCapability.REPORTS_STATUS,
            AgentCapability.ACCEPTS_REMOTE_CONFIG,
            AgentCapability.REPORTS_EFFECTIVE_CONFIG,
            AgentCapability.REPORTS_HEALTH,
            AgentCapability.REPORTS_HEARTBEAT);
  }

  @Test
  void reportsBitsANewerPeerSetsInsteadOfDroppingThem() {
    long mask = AgentCapability.REPORTS_STATUS.bit() | 0x1_0000L | (1L << 63);

    assertThat(AgentCapability.BITMASK.toSet(mask)).containsExactly(AgentCapability.REPORTS_STATUS);
    assertThat(AgentCapability.BITMASK.unknownBits(mask)).isEqualTo(0x1_0000L | (1L << 63));
    assertThat(AgentCapability.BITMASK.unknownBits(AgentCapability.BITMASK.knownBits())).isZero();
    assertThat(AgentCapability.BITMASK.describe(mask))
        .isEqualTo("[REPORTS_STATUS, unknown 0x8000000000010000]");
  }

  @Test
  void describesAnEmptyMask() {
    assertThat(ServerCapability.BITMASK.describe(0)).isEqualTo("[]");
  }

  enum Overlapping implements BitFlag {
    A,
    B;

    @Override
    public long bit() {
      return 1;
    }
  }

  @Test
  void refusesAnEnumWhoseConstantsShareABit() {
    assertThatThrownBy(() -> Bitmask.of(Overlapping.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Overlapping.B")
        .hasMessageContaining("a single bit used by no other constant");
  }
}
