/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The largest OpAMP message a peer accepts, and the bounded reading and parsing that enforce it.
 *
 * <p>The limit applies to the whole message <em>after</em> decompression (gzip on HTTP,
 * permessage-deflate on WebSocket), so a small compressed body cannot expand into an unbounded
 * allocation (spec items WS-L1, HT-L1). The default is {@value #DEFAULT_MAX_MESSAGE_BYTES} bytes (4
 * MiB): ample for any status report or configuration, and far below the 64 MiB the specification
 * suggests, because a server holding 100,000 agents must not let a few of them claim gigabytes.
 *
 * <p><b>Thread safety:</b> immutable and thread-safe.
 *
 * @param maxMessageBytes the largest message accepted, in bytes; at least 1
 */
public record MessageLimits(int maxMessageBytes) {

  /** The default maximum message size: 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private static final MessageLimits DEFAULTS = new MessageLimits(DEFAULT_MAX_MESSAGE_BYTES);

  /** Validates the limit. */
  public MessageLimits {
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException(
          "maxMessageBytes: " + maxMessageBytes + " (expected: >= 1)");
    }
  }

  /** Returns the default limits ({@value #DEFAULT_MAX_MESSAGE_BYTES} bytes). */
  public static MessageLimits defaults() {
    return DEFAULTS;
  }

  /**
   * Checks a message size against the limit.
   *
   * @param sizeBytes the size of a message about to be read or sent
   * @throws MalformedMessageException of kind {@link MalformedMessageException.Kind#TOO_LARGE} if
   *     {@code sizeBytes} exceeds the limit
   */
  public void checkSize(long sizeBytes) throws MalformedMessageException {
    if (sizeBytes > maxMessageBytes) {
      throw tooLarge(sizeBytes);
    }
  }

  /** Returns whether a message of this size is within the limit. */
  public boolean allows(long sizeBytes) {
    return sizeBytes <= maxMessageBytes;
  }

  /**
   * Parses a complete message held in a buffer, after checking its size.
   *
   * <p>The buffer's position and limit are left unchanged.
   *
   * @param parser the message's parser, e.g. {@code AgentToServer.parser()}
   * @param bytes the serialized message (already decompressed, without any WebSocket header)
   * @return the message
   * @throws MalformedMessageException if the buffer is over the limit or is not a valid encoding
   */
  public <T extends MessageLite> T parse(Parser<T> parser, ByteBuffer bytes)
      throws MalformedMessageException {
    requireNonNull(parser, "parser");
    checkSize(bytes.remaining());
    try {
      return parser.parseFrom(CodedInputStream.newInstance(bytes.duplicate()));
    } catch (InvalidProtocolBufferException e) {
      throw invalidProtobuf(bytes.remaining(), e);
    }
  }

  /**
   * Parses a complete message held in a byte array, after checking its size.
   *
   * @see #parse(Parser, ByteBuffer)
   */
  public <T extends MessageLite> T parse(Parser<T> parser, byte[] bytes)
      throws MalformedMessageException {
    return parse(parser, ByteBuffer.wrap(bytes));
  }

  /**
   * Reads a stream to its end and parses the message it holds, never buffering more than the limit.
   * Use it for request and response bodies, wrapping a {@link java.util.zip.GZIPInputStream} when
   * the body is compressed: the limit then applies to the decompressed bytes.
   *
   * <p>The stream is not closed.
   *
   * @throws MalformedMessageException if the stream holds more than the limit, is not valid
   *     compressed data, or is not a valid encoding of the message
   * @throws IOException if reading the stream fails
   */
  public <T extends MessageLite> T parse(Parser<T> parser, InputStream in)
      throws MalformedMessageException, IOException {
    return parse(parser, readFully(in));
  }

  /**
   * Reads a stream to its end, failing as soon as it yields more bytes than the limit.
   *
   * <p>The stream is not closed.
   *
   * @throws MalformedMessageException if the stream holds more than the limit, or is a
   *     decompressing stream whose input is not valid compressed data
   * @throws IOException if reading the stream fails
   */
  public byte[] readFully(InputStream in) throws MalformedMessageException, IOException {
    requireNonNull(in, "in");
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(8192, maxMessageBytes));
    byte[] chunk = new byte[8192];
    long total = 0;
    try {
      int n;
      while ((n = in.read(chunk)) != -1) {
        total += n;
        if (total > maxMessageBytes) {
          throw new MalformedMessageException(
              MalformedMessageException.Kind.TOO_LARGE,
              "message exceeds the limit of "
                  + maxMessageBytes
                  + " bytes (stopped reading after "
                  + total
                  + " bytes)");
        }
        out.write(chunk, 0, n);
      }
    } catch (ZipException e) {
      throw new MalformedMessageException(
          MalformedMessageException.Kind.INVALID_COMPRESSION,
          "the body is not valid gzip data: " + e.getMessage(),
          e);
    } catch (EOFException e) {
      if (in instanceof InflaterInputStream) {
        // GZIPInputStream reports a body cut short inside the compressed stream this way.
        throw new MalformedMessageException(
            MalformedMessageException.Kind.INVALID_COMPRESSION,
            "the gzip body ends before its compressed data does",
            e);
      }
      throw e;
    }
    return out.toByteArray();
  }

  private MalformedMessageException tooLarge(long sizeBytes) {
    return new MalformedMessageException(
        MalformedMessageException.Kind.TOO_LARGE,
        "message of " + sizeBytes + " bytes exceeds the limit of " + maxMessageBytes + " bytes");
  }

  static MalformedMessageException invalidProtobuf(int length, InvalidProtocolBufferException e) {
    return new MalformedMessageException(
        MalformedMessageException.Kind.INVALID_PROTOBUF,
        "the " + length + "-byte message is not a valid OpAMP protobuf message: " + e.getMessage(),
        e);
  }
}
