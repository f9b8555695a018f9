/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException.Kind;

class MessageLimitsTest {

  private static final AgentToServer REPORT =
      AgentToServer.newBuilder()
          .setInstanceUid(InstanceUid.parse("0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f").toByteString())
          .setSequenceNum(1)
          .setCapabilities(1)
          .setEffectiveConfig(
              EffectiveConfig.newBuilder()
                  .setConfigMap(
                      AgentConfigMap.newBuilder()
                          .putConfigMap(
                              "collector.yaml",
                              AgentConfigFile.newBuilder()
                                  .setBody(
                                      com.google.protobuf.ByteString.copyFromUtf8(
                                          "receivers: {}\n".repeat(100)))
                                  .build())))
          .build();

  @Test
  void defaultsToFourMebibytes() {
    assertThat(MessageLimits.defaults().maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void refusesALimitBelowOneByte(int limit) {
    assertThatThrownBy(() -> new MessageLimits(limit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxMessageBytes: " + limit + " (expected: >= 1)");
  }

  @Test
  void parsesAGzippedBodyWithinTheLimit() throws Exception {
    // HT-04: the server must accept gzipped bodies; the limit counts decompressed bytes (HT-L1).
    byte[] gzipped = gzip(REPORT.toByteArray());
    MessageLimits limits = new MessageLimits(REPORT.getSerializedSize());

    AgentToServer parsed =
        limits.parse(
            AgentToServer.parser(), new GZIPInputStream(new ByteArrayInputStream(gzipped)));

    assertThat(parsed).isEqualTo(REPORT);
    assertThat(gzipped.length)
        .as("the compressed body is far below the limit")
        .isLessThan(REPORT.getSerializedSize() / 4);
  }

  @Test
  void appliesTheLimitAfterDecompression() throws Exception {
    byte[] gzipped = gzip(REPORT.toByteArray());
    MessageLimits limits = new MessageLimits(REPORT.getSerializedSize() - 1);

    assertThatThrownBy(
            () ->
                limits.parse(
                    AgentToServer.parser(), new GZIPInputStream(new ByteArrayInputStream(gzipped))))
        .isInstanceOfSatisfying(
            MalformedMessageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
        .hasMessageStartingWith(
            "message exceeds the limit of " + (REPORT.getSerializedSize() - 1) + " bytes");
  }

  @Test
  void stopsAGzipBombAtTheLimitWithoutInflatingIt() throws Exception {
    // 64 MiB of zeros compress to about 64 KiB; reading must stop just past the 4 MiB limit.
    byte[] bomb = gzipZeros(64L << 20);
    CountingStream inflated =
        new CountingStream(new GZIPInputStream(new ByteArrayInputStream(bomb)));

    assertThatThrownBy(() -> MessageLimits.defaults().readFully(inflated))
        .isInstanceOfSatisfying(
            MalformedMessageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
    assertThat(inflated.count).isLessThanOrEqualTo(MessageLimits.DEFAULT_MAX_MESSAGE_BYTES + 8192L);
  }

  @Test
  void reportsABodyThatIsNotGzip() {
    byte[] notGzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5};

    assertThatThrownBy(
            () ->
                MessageLimits.defaults()
                    .readFully(new GZIPInputStream(new ByteArrayInputStream(notGzip))))
        .isInstanceOfSatisfying(
            MalformedMessageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_COMPRESSION))
        .hasMessageStartingWith("the body is not valid gzip data");
  }

  @Test
  void reportsAGzipBodyCutShort() throws Exception {
    byte[] gzipped = gzip(REPORT.toByteArray());
    byte[] cut = Arrays.copyOf(gzipped, gzipped.length / 2);

    assertThatThrownBy(
            () ->
                MessageLimits.defaults()
                    .readFully(new GZIPInputStream(new ByteArrayInputStream(cut))))
        .isInstanceOfSatisfying(
            MalformedMessageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_COMPRESSION))
        .hasMessage("the gzip body ends before its compressed data does");
  }

  @Test
  void reportsGarbageAsInvalidProtobuf() {
    byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    assertThatThrownBy(() -> MessageLimits.defaults().parse(AgentToServer.parser(), garbage))
        .isInstanceOfSatisfying(
            MalformedMessageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_PROTOBUF))
        .hasMessageStartingWith("the 3-byte message is not a valid OpAMP protobuf message");
  }

  @Test
  void checksSizesOfMessagesAboutToBeSent() throws Exception {
    // WS-L4/HT-L4: a sender checks the size before it sends.
    MessageLimits limits = new MessageLimits(100);

    limits.checkSize(100);
    assertThat(limits.allows(100)).isTrue();
    assertThat(limits.allows(101)).isFalse();
    assertThatThrownBy(() -> limits.checkSize(101))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("message of 101 bytes exceeds the limit of 100 bytes");
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] gzipZeros(long count) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      for (long written = 0; written < count; written += zeros.length) {
        gzip.write(zeros);
      }
    }
    return out.toByteArray();
  }

  private static final class CountingStream extends InputStream {
    private final InputStream delegate;
    long count;

    CountingStream(InputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read() throws IOException {
      int b = delegate.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = delegate.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
