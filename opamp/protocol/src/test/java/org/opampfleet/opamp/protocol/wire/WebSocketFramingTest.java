/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException.Kind;

class WebSocketFramingTest {

  private static final AgentToServer HEARTBEAT =
      AgentToServer.newBuilder()
          .setInstanceUid(InstanceUid.parse("0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f").toByteString())
          .setSequenceNum(42)
          .setCapabilities(0x2001)
          .build();

  @Test
  void writesTheHeaderByteBeforeTheMessage() {
    // WS-01/WS-02: one binary message = varint header 0 (the byte 0x00) + the protobuf bytes.
    byte[] framed = WebSocketFraming.frame(HEARTBEAT);

    assertThat(framed).hasSize(HEARTBEAT.getSerializedSize() + 1);
    assertThat(framed[0]).isEqualTo((byte) 0x00);
    assertThat(ByteString.copyFrom(framed, 1, framed.length - 1))
        .isEqualTo(HEARTBEAT.toByteString());
  }

  @Test
  void framesAnEmptyMessageAsTheHeaderAlone() {
    assertThat(WebSocketFraming.frame(AgentToServer.getDefaultInstance())).containsExactly(0x00);
  }

  @Test
  void readsAnEmptyDataPartAsAMessageWithNoFieldsSet() throws Exception {
    // WS-05: 0 bytes of data are a valid message with every field unset.
    assertThat(parse(new byte[] {0x00})).isEqualTo(AgentToServer.getDefaultInstance());
    assertThat(parse(new byte[0])).isEqualTo(AgentToServer.getDefaultInstance());
  }

  @Test
  void readsWithoutDisturbingTheBuffer() throws Exception {
    ByteBuffer buffer = ByteBuffer.wrap(WebSocketFraming.frame(HEARTBEAT));

    WebSocketFraming.parse(AgentToServer.parser(), buffer, MessageLimits.defaults());

    assertThat(buffer.position()).isZero();
    assertThat(buffer.remaining()).isEqualTo(HEARTBEAT.getSerializedSize() + 1);
  }

  @Test
  void readsAMessageThatStartsPartWayIntoTheBuffer() throws Exception {
    byte[] framed = WebSocketFraming.frame(HEARTBEAT);
    byte[] padded = new byte[framed.length + 3];
    System.arraycopy(framed, 0, padded, 3, framed.length);
    ByteBuffer buffer = ByteBuffer.wrap(padded);
    buffer.position(3);

    assertThat(WebSocketFraming.payloadOffset(buffer)).isEqualTo(1);
    assertThat(WebSocketFraming.parse(AgentToServer.parser(), buffer, MessageLimits.defaults()))
        .isEqualTo(HEARTBEAT);
  }

  @ParameterizedTest
  @ValueSource(bytes = {0x01, 0x02, 0x07})
  void rejectsAHeaderValueThisVersionDoesNotDefine(byte header) {
    // WS-03: a header other than 0 makes the message malformed.
    byte[] framed = WebSocketFraming.frame(HEARTBEAT);
    framed[0] = header;

    assertThatThrownBy(() -> parse(framed))
        .isInstanceOfSatisfying(
            MalformedMessageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_HEADER))
        .hasMessage(
            "WebSocket message header value "
                + header
                + " is not supported (expected: 0, the only value this OpAMP version defines)");
  }

  @Test
  void rejectsAMessageOverTheLimitCountingTheHeader() {
    // WS-L1: the limit covers the whole WebSocket message.
    byte[] framed = WebSocketFraming.frame(HEARTBEAT);
    MessageLimits limits = new MessageLimits(framed.length - 1);

    assertThatThrownBy(
            () -> WebSocketFraming.parse(AgentToServer.parser(), ByteBuffer.wrap(framed), limits))
        .isInstanceOfSatisfying(
            MalformedMessageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
        .hasMessage(
            "message of "
                + framed.length
                + " bytes exceeds the limit of "
                + (framed.length - 1)
                + " bytes");
  }

  @Test
  void acceptsAMessageExactlyAtTheLimit() throws Exception {
    byte[] framed = WebSocketFraming.frame(HEARTBEAT);

    assertThat(
            WebSocketFraming.parse(
                AgentToServer.parser(), ByteBuffer.wrap(framed), new MessageLimits(framed.length)))
        .isEqualTo(HEARTBEAT);
  }

  @Test
  void reportsATruncatedMessageAsInvalidProtobuf() {
    byte[] framed = WebSocketFraming.frame(HEARTBEAT);
    byte[] truncated = java.util.Arrays.copyOf(framed, framed.length - 1);

    assertThatThrownBy(() -> parse(truncated))
        .isInstanceOfSatisfying(
            MalformedMessageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_PROTOBUF))
        .hasMessageStartingWith(
            "the "
                + (truncated.length - 1)
                + "-byte message is not a valid OpAMP protobuf message");
  }

  @Test
  void reportsATruncatedVarintAsInvalidProtobuf() {
    // Field 2 (sequence_num, varint) whose value never ends: every byte has the continuation bit.
    byte[] framed = {0x00, 0x10, (byte) 0xFF, (byte) 0xFF};

    assertThatThrownBy(() -> parse(framed))
        .isInstanceOfSatisfying(
            MalformedMessageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_PROTOBUF));
  }

  @Test
  void turnsRandomBytesIntoMessagesOrClearErrorsNeverAnythingElse() {
    Random random = new Random(20261128);
    int malformed = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      try {
        parse(bytes);
      } catch (MalformedMessageException e) {
        assertThat(e.getMessage()).isNotBlank();
        malformed++;
      }
    }
    assertThat(malformed).as("random bytes are mostly not valid messages").isGreaterThan(10_000);
  }

  private static AgentToServer parse(byte[] framed) throws MalformedMessageException {
    return WebSocketFraming.parse(
        AgentToServer.parser(), ByteBuffer.wrap(framed), MessageLimits.defaults());
  }
}
