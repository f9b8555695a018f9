/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The identity of one running agent instance: the 16 bytes of {@code AgentToServer.instance_uid}.
 *
 * <p>On the wire an instance UID is exactly 16 raw bytes; the specification recommends UUIDv7,
 * which {@link #generate()} creates. Its text form, used in the {@code OpAMP-Instance-UID} HTTP
 * header, in logs and in APIs, is the canonical lower-case UUID string ({@code
 * 0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f}), returned by {@link #toString()} and read by {@link
 * #parse(String)}.
 *
 * <p>Agents older than OpAMP v0.10 sent a 26-character ULID string in the same field. Reading one
 * fails with an {@link InvalidInstanceUidException} whose {@linkplain
 * InvalidInstanceUidException#problem() problem} is {@link
 * InvalidInstanceUidException.Problem#LEGACY_ULID LEGACY_ULID}; a server that chooses to serve such
 * agents can map the ULID to the same 128 bits with {@link #fromLegacyUlid(String)}.
 *
 * <p>Instance UIDs compare as unsigned 128-bit numbers, which orders UUIDv7 values by creation
 * time.
 *
 * <p><b>Thread safety:</b> immutable and thread-safe. Two longs, so it is cheap to keep one per
 * agent and to use as a map key.
 */
public final class InstanceUid implements Comparable<InstanceUid> {

  /** The length of an instance UID on the wire. */
  public static final int LENGTH_BYTES = 16;

  private static final int ULID_LENGTH = 26;
  private static final String CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private final long mostSignificantBits;
  private final long leastSignificantBits;

  private InstanceUid(long mostSignificantBits, long leastSignificantBits) {
    this.mostSignificantBits = mostSignificantBits;
    this.leastSignificantBits = leastSignificantBits;
  }

  /** Returns a new UUIDv7 instance UID from the system clock and a secure random source. */
  public static InstanceUid generate() {
    return InstanceUidGenerator.system().next();
  }

  /** Returns the instance UID with these 128 bits, most significant first. */
  public static InstanceUid of(long mostSignificantBits, long leastSignificantBits) {
    return new InstanceUid(mostSignificantBits, leastSignificantBits);
  }

  /** Returns the instance UID with the bits of a {@link UUID}. */
  public static InstanceUid of(UUID uuid) {
    requireNonNull(uuid, "uuid");
    return new InstanceUid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
  }

  /**
   * Reads an instance UID from its 16 wire bytes.
   *
   * @throws InvalidInstanceUidException if {@code bytes} is not 16 long; its problem is {@code
   *     LEGACY_ULID} when the bytes are a pre-v0.10 ULID string
   */
  public static InstanceUid fromBytes(byte[] bytes) {
    requireNonNull(bytes, "bytes");
    checkWireLength(bytes.length, bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new InstanceUid(buffer.getLong(), buffer.getLong());
  }

  /**
   * Reads an instance UID from the {@code instance_uid} or {@code new_instance_uid} field of a
   * message.
   *
   * @throws InvalidInstanceUidException if the field is not 16 bytes long (an unset field is 0
   *     bytes); its problem is {@code LEGACY_ULID} when the bytes are a pre-v0.10 ULID string
   */
  public static InstanceUid fromBytes(ByteString bytes) {
    requireNonNull(bytes, "bytes");
    if (bytes.size() != LENGTH_BYTES) {
      checkWireLength(bytes.size(), bytes.toByteArray());
    }
    ByteBuffer buffer = bytes.asReadOnlyByteBuffer();
    return new InstanceUid(buffer.getLong(), buffer.getLong());
  }

  /**
   * Parses the canonical text form: 32 hexadecimal digits in groups of 8-4-4-4-12 separated by
   * hyphens, in either case, as sent in the {@code OpAMP-Instance-UID} header.
   *
   * @throws InvalidInstanceUidException if the text is not a canonical UUID; its problem is {@code
   *     LEGACY_ULID} when the text is a 26-character ULID
   */
  public static InstanceUid parse(String text) {
    requireNonNull(text, "text");
    if (text.length() == 36
        && text.charAt(8) == '-'
        && text.charAt(13) == '-'
        && text.charAt(18) == '-'
        && text.charAt(23) == '-') {
      long msb = 0;
      long lsb = 0;
      int digits = 0;
      for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
          continue;
        }
        int value = Character.digit(text.charAt(i), 16);
        if (value < 0) {
          break;
        }
        if (digits < 16) {
          msb = (msb << 4) | value;
        } else {
          lsb = (lsb << 4) | value;
        }
        digits++;
      }
      if (digits == 32) {
        return new InstanceUid(msb, lsb);
      }
    }
    if (isUlid(text)) {
      throw legacyUlid("instance UID \"" + text + "\"");
    }
    throw new InvalidInstanceUidException(
        InvalidInstanceUidException.Problem.MALFORMED_TEXT,
        "instance UID \""
            + abbreviate(text)
            + "\" is not a UUID (expected: 8-4-4-4-12 hexadecimal digits,"
            + " e.g. 0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f)");
  }

  /**
   * Maps a ULID, the instance UID format of OpAMP before v0.10, to the instance UID with the same
   * 128 bits. Servers that choose to keep serving such agents can use it to give them a stable
   * identity; the mapping is one-to-one.
   *
   * @param ulid 26 Crockford base32 characters, in either case
   * @throws InvalidInstanceUidException if the text is not a ULID
   */
  public static InstanceUid fromLegacyUlid(String ulid) {
    requireNonNull(ulid, "ulid");
    if (!isUlid(ulid)) {
      throw new InvalidInstanceUidException(
          InvalidInstanceUidException.Problem.MALFORMED_TEXT,
          "\""
              + abbreviate(ulid)
              + "\" is not a ULID (expected: 26 Crockford base32 characters, the first 0-7)");
    }
    long msb = 0;
    long lsb = 0;
    // 26 characters carry 130 bits; the first character's top two bits are always zero.
    for (int i = 0; i < ULID_LENGTH; i++) {
      int value = CROCKFORD_BASE32.indexOf(Character.toUpperCase(ulid.charAt(i)));
      msb = (msb << 5) | (lsb >>> 59);
      lsb = (lsb << 5) | value;
    }
    return new InstanceUid(msb, lsb);
  }

  /**
   * Returns whether the bytes of an {@code instance_uid} field are a pre-v0.10 ULID string (26
   * ASCII Crockford base32 characters).
   */
  public static boolean isLegacyUlid(ByteString bytes) {
    return bytes.size() == ULID_LENGTH && isUlid(bytes.toString(StandardCharsets.US_ASCII));
  }

  /** Returns the 16 wire bytes, most significant first. */
  public byte[] toBytes() {
    return ByteBuffer.allocate(LENGTH_BYTES)
        .putLong(mostSignificantBits)
        .putLong(leastSignificantBits)
        .array();
  }

  /** Returns the 16 wire bytes, for the {@code instance_uid} field of a message. */
  public ByteString toByteString() {
    return ByteString.copyFrom(toBytes());
  }

  /** Returns the same 128 bits as a {@link UUID}. */
  public UUID toUuid() {
    return new UUID(mostSignificantBits, leastSignificantBits);
  }

  /** Returns the most significant 64 bits. */
  public long mostSignificantBits() {
    return mostSignificantBits;
  }

  /** Returns the least significant 64 bits. */
  public long leastSignificantBits() {
    return leastSignificantBits;
  }

  /** Returns the UUID version (the four bits that are 7 in a UUIDv7). */
  public int version() {
    return (int) ((mostSignificantBits >>> 12) & 0xF);
  }

  /**
   * Returns the creation time a UUIDv7 carries, in milliseconds since the Unix epoch.
   *
   * @throws IllegalStateException if this is not a version 7 UUID
   */
  public long unixTimeMillis() {
    if (version() != 7) {
      throw new IllegalStateException(
          "instance UID " + this + " is a version " + version() + " UUID (expected: version 7)");
    }
    return mostSignificantBits >>> 16;
  }

  @Override
  public int compareTo(InstanceUid other) {
    int byHigh = Long.compareUnsigned(mostSignificantBits, other.mostSignificantBits);
    return byHigh != 0
        ? byHigh
        : Long.compareUnsigned(leastSignificantBits, other.leastSignificantBits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceUid other
        && mostSignificantBits == other.mostSignificantBits
        && leastSignificantBits == other.leastSignificantBits;
  }

  @Override
  public int hashCode() {
    long mixed = mostSignificantBits ^ leastSignificantBits;
    return (int) (mixed ^ (mixed >>> 32));
  }

  /**
   * Returns the canonical lower-case UUID text, e.g. {@code 0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f}.
   */
  @Override
  public String toString() {
    return toUuid().toString();
  }

  private static void checkWireLength(int length, byte[] bytes) {
    if (length == LENGTH_BYTES) {
      return;
    }
    if (length == ULID_LENGTH && isUlid(new String(bytes, StandardCharsets.US_ASCII))) {
      throw legacyUlid("instance_uid \"" + new String(bytes, StandardCharsets.US_ASCII) + "\"");
    }
    throw new InvalidInstanceUidException(
        InvalidInstanceUidException.Problem.WRONG_LENGTH,
        "instance_uid is " + length + " bytes long (expected: " + LENGTH_BYTES + ")");
  }

  private static InvalidInstanceUidException legacyUlid(String what) {
    return new InvalidInstanceUidException(
        InvalidInstanceUidException.Problem.LEGACY_ULID,
        what
            + " is a 26-character ULID, the format of OpAMP before v0.10"
            + " (expected: 16 bytes, a UUID); upgrade the agent's OpAMP library");
  }

  private static boolean isUlid(String text) {
    if (text.length() != ULID_LENGTH || text.charAt(0) > '7') {
      return false;
    }
    for (int i = 0; i < ULID_LENGTH; i++) {
      if (CROCKFORD_BASE32.indexOf(Character.toUpperCase(text.charAt(i))) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 61) + "...";
  }
}
