/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The OpAMP WebSocket message format: a varint header followed by the serialized protobuf message.
 *
 * <p>Every OpAMP WebSocket message is one binary message holding a header, encoded as a protobuf
 * base-128 varint, and the protobuf bytes of an {@code AgentToServer} or {@code ServerToAgent}
 * (spec items WS-01, WS-04). This version of OpAMP defines only header value {@value
 * #HEADER_VALUE}, which encodes as the single byte {@code 0x00} (WS-02).
 *
 * <p><b>Writing</b> always puts the header in front. <b>Reading</b> accepts three shapes:
 *
 * <ul>
 *   <li>a header of value 0 followed by the message: the normal case;
 *   <li>a message without a header, as agents older than OpAMP v0.7 send (WS-08): a non-empty
 *       protobuf message starts with a field tag, and field numbers start at 1, so its first byte
 *       is at least {@code 0x08}; an empty message is an empty frame;
 *   <li>anything else whose first byte is {@code 0x01}–{@code 0x07} is a header with a value this
 *       version does not define, and is rejected as malformed (WS-03).
 * </ul>
 *
 * <p>A header whose value is 8 or more cannot be told apart from a header-less message; such frames
 * are read as header-less and, unless the bytes happen to be valid protobuf, fail to parse.
 *
 * <p><b>Thread safety:</b> stateless; all methods are thread-safe.
 */
public final class WebSocketFraming {

  /** The only header value defined by this version of OpAMP. */
  public static final long HEADER_VALUE = 0;

  /** The encoded length, in bytes, of the header this class writes. */
  public static final int HEADER_LENGTH = 1;

  // Field numbers start at 1, so the smallest tag byte of a protobuf field is (1 << 3) = 0x08.
  private static final int SMALLEST_PROTOBUF_TAG = 0x08;

  private WebSocketFraming() {}

  /**
   * Returns the WebSocket message for a protobuf message: the header, then its bytes.
   *
   * @param message an {@code AgentToServer} or {@code ServerToAgent}
   */
  public static byte[] frame(MessageLite message) {
    requireNonNull(message, "message");
    byte[] framed = new byte[HEADER_LENGTH + message.getSerializedSize()];
    framed[0] = (byte) HEADER_VALUE;
    CodedOutputStream out = CodedOutputStream.newInstance(framed, HEADER_LENGTH, framed.length - 1);
    try {
      message.writeTo(out);
    } catch (IOException e) {
      // Writing to a correctly sized array cannot fail.
      throw new UncheckedIOException(e);
    }
    out.checkNoSpaceLeft();
    return framed;
  }

  /**
   * Returns where the protobuf message starts in a received WebSocket message.
   *
   * <p>The buffer's position and limit are left unchanged; the returned offset is relative to its
   * position: 1 when the message carries the header, 0 for a header-less (pre-v0.7) message.
   *
   * @param frame the complete binary WebSocket message, reassembled from its fragments
   * @throws MalformedMessageException if the header is cut short or carries a value this version
   *     does not define
   */
  public static int payloadOffset(ByteBuffer frame) throws MalformedMessageException {
    requireNonNull(frame, "frame");
    if (!frame.hasRemaining()) {
      // An empty frame is a header-less empty message: all fields unset (WS-05).
      return 0;
    }
    int first = frame.get(frame.position()) & 0xFF;
    if (first == 0x00) {
      return HEADER_LENGTH;
    }
    if (first >= SMALLEST_PROTOBUF_TAG) {
      return 0;
    }
    throw new MalformedMessageException(
        MalformedMessageException.Kind.UNSUPPORTED_HEADER,
        "WebSocket message header value "
            + first
            + " is not supported (expected: 0, the only value this OpAMP version defines)");
  }

  /**
   * Parses a received WebSocket message: skips its header, then parses the message within the size
   * limit. The limit applies to the whole WebSocket message, header included (WS-L1).
   *
   * <p>The buffer's position and limit are left unchanged.
   *
   * @param parser the expected message's parser, e.g. {@code AgentToServer.parser()}
   * @param frame the complete binary WebSocket message, after any extension decompression
   * @param limits the size limit to apply
   * @throws MalformedMessageException if the message is over the limit, has an unsupported header
   *     or is not a valid encoding of the expected message
   */
  public static <T extends MessageLite> T parse(
      Parser<T> parser, ByteBuffer frame, MessageLimits limits) throws MalformedMessageException {
    requireNonNull(limits, "limits");
    limits.checkSize(frame.remaining());
    int offset = payloadOffset(frame);
    ByteBuffer payload = frame.duplicate();
    payload.position(frame.position() + offset);
    return limits.parse(parser, payload);
  }
}
