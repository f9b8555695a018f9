/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opampfleet.opamp.protocol.wire.InvalidInstanceUidException.Problem;

class InstanceUidTest {

  private static final String TEXT = "0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f";
  private static final byte[] BYTES = HexFormat.of().parseHex("0193a6f07b2c7d4e9f102a3b4c5d6e7f");

  @Test
  void readsSixteenWireBytesAndWritesThemBack() {
    InstanceUid uid = InstanceUid.fromBytes(BYTES);

    assertThat(uid.toBytes()).isEqualTo(BYTES);
    assertThat(uid.toByteString()).isEqualTo(ByteString.copyFrom(BYTES));
    assertThat(InstanceUid.fromBytes(ByteString.copyFrom(BYTES))).isEqualTo(uid);
  }

  @Test
  void usesTheCanonicalLowerCaseUuidTextForTheHttpHeader() {
    // HT-06: OpAMP-Instance-UID carries the canonical UUID text of the 16 bytes.
    InstanceUid uid = InstanceUid.fromBytes(BYTES);

    assertThat(uid).hasToString(TEXT);
    assertThat(InstanceUid.parse(TEXT)).isEqualTo(uid);
    assertThat(InstanceUid.parse(TEXT.toUpperCase())).isEqualTo(uid);
    assertThat(uid.toUuid()).isEqualTo(UUID.fromString(TEXT));
    assertThat(InstanceUid.of(UUID.fromString(TEXT))).isEqualTo(uid);
  }

  @Test
  void equalUidsHaveEqualHashCodes() {
    assertThat(InstanceUid.parse(TEXT)).hasSameHashCodeAs(InstanceUid.fromBytes(BYTES));
    assertThat(InstanceUid.parse(TEXT)).isNotEqualTo(InstanceUid.of(0, 0));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "0193a6f0",
        "0193a6f07b2c7d4e9f102a3b4c5d6e7f",
        "0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7", // one digit short
        "0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f0",
        "0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7g",
        "0193a6f0+7b2c-7d4e-9f10-2a3b4c5d6e7f",
        "1-1-1-1-1", // accepted by java.util.UUID, not a canonical UUID
        "{0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f}"
      })
  void rejectsTextThatIsNotACanonicalUuid(String text) {
    assertThatThrownBy(() -> InstanceUid.parse(text))
        .isInstanceOfSatisfying(
            InvalidInstanceUidException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED_TEXT))
        .hasMessageContaining("is not a UUID")
        .hasMessageContaining("8-4-4-4-12");
  }

  @Test
  void abbreviatesHugeTextInTheErrorMessage() {
    String huge = "x".repeat(10_000);

    assertThatThrownBy(() -> InstanceUid.parse(huge))
        .isInstanceOf(InvalidInstanceUidException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 17, 32, 36})
  void rejectsWireBytesOfTheWrongLength(int length) {
    assertThatThrownBy(() -> InstanceUid.fromBytes(new byte[length]))
        .isInstanceOfSatisfying(
            InvalidInstanceUidException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_LENGTH))
        .hasMessage("instance_uid is " + length + " bytes long (expected: 16)");
    assertThatThrownBy(() -> InstanceUid.fromBytes(ByteString.copyFrom(new byte[length])))
        .isInstanceOf(InvalidInstanceUidException.class);
  }

  @Test
  void reportsAPreV010UlidSentAsWireBytes() {
    // Agents before OpAMP v0.10 put a 26-character ULID string in instance_uid (P-02).
    ByteString ulid = ByteString.copyFrom("01ARZ3NDEKTSV4RRFFQ69G5FAV", StandardCharsets.US_ASCII);

    assertThat(InstanceUid.isLegacyUlid(ulid)).isTrue();
    assertThatThrownBy(() -> InstanceUid.fromBytes(ulid))
        .isInstanceOfSatisfying(
            InvalidInstanceUidException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.LEGACY_ULID))
        .hasMessageContaining("01ARZ3NDEKTSV4RRFFQ69G5FAV")
        .hasMessageContaining("ULID")
        .hasMessageContaining("before v0.10");
  }

  @Test
  void reportsAUlidInTheTextForm() {
    assertThatThrownBy(() -> InstanceUid.parse("01arz3ndektsv4rrffq69g5fav"))
        .isInstanceOfSatisfying(
            InvalidInstanceUidException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.LEGACY_ULID));
  }

  @Test
  void doesNotMistakeOther26ByteValuesForUlids() {
    // 'U' is not in Crockford's alphabet, and a ULID's first character is at most '7'.
    assertThat(InstanceUid.isLegacyUlid(ByteString.copyFromUtf8("01ARZ3NDEKTSV4RRFFQ69G5FAU")))
        .isFalse();
    assertThat(InstanceUid.isLegacyUlid(ByteString.copyFromUtf8("81ARZ3NDEKTSV4RRFFQ69G5FAV")))
        .isFalse();
    assertThat(InstanceUid.isLegacyUlid(ByteString.copyFrom(new byte[26]))).isFalse();
    assertThatThrownBy(() -> InstanceUid.fromBytes(new byte[26]))
        .isInstanceOfSatisfying(
            InvalidInstanceUidException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_LENGTH));
  }

  @Test
  void mapsALegacyUlidToTheSame128Bits() {
    String ulid = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    // Independent decoding: the ULID is a big-endian base-32 number in Crockford's alphabet.
    BigInteger value = BigInteger.ZERO;
    for (char c : ulid.toCharArray()) {
      value =
          value.shiftLeft(5).add(BigInteger.valueOf("0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c)));
    }
    byte[] expected = new byte[16];
    byte[] raw = value.toByteArray();
    System.arraycopy(
        raw,
        Math.max(0, raw.length - 16),
        expected,
        Math.max(0, 16 - raw.length),
        Math.min(16, raw.length));

    assertThat(InstanceUid.fromLegacyUlid(ulid).toBytes()).isEqualTo(expected);
    assertThat(InstanceUid.fromLegacyUlid(ulid.toLowerCase()))
        .isEqualTo(InstanceUid.fromLegacyUlid(ulid));
    assertThat(InstanceUid.fromLegacyUlid("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"))
        .isEqualTo(InstanceUid.of(-1L, -1L));
  }

  @Test
  void refusesToMapTextThatIsNotAUlid() {
    assertThatThrownBy(() -> InstanceUid.fromLegacyUlid(TEXT))
        .isInstanceOf(InvalidInstanceUidException.class)
        .hasMessageContaining("is not a ULID");
  }

  @Test
  void comparesAsUnsigned128BitNumbers() {
    InstanceUid small = InstanceUid.of(0x0000_0000_0000_0001L, 0);
    InstanceUid large = InstanceUid.of(0x8000_0000_0000_0000L, 0); // negative as a signed long
    InstanceUid larger = InstanceUid.of(0x8000_0000_0000_0000L, 0x8000_0000_0000_0000L);

    assertThat(small).isLessThan(large);
    assertThat(large).isLessThan(larger);
    assertThat(larger)
        .isEqualByComparingTo(InstanceUid.of(0x8000_0000_0000_0000L, 0x8000_0000_0000_0000L));
  }

  @Test
  void readsTheTimestampOfAUuidV7() {
    InstanceUid uid = InstanceUid.parse(TEXT);

    assertThat(uid.version()).isEqualTo(7);
    assertThat(uid.unixTimeMillis()).isEqualTo(0x0193a6f07b2cL);
  }

  @Test
  void refusesATimestampForOtherVersions() {
    InstanceUid v4 = InstanceUid.parse("f81d4fae-7dec-41d0-a765-00a0c91e6bf6");

    assertThat(v4.version()).isEqualTo(4);
    assertThatThrownBy(v4::unixTimeMillis)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 4");
  }
}
