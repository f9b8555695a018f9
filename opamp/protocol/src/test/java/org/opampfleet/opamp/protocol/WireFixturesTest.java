/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.protocol.wire.MessageLimits;
import org.opampfleet.opamp.protocol.wire.WebSocketFraming;

/**
 * Golden wire fixtures: each {@code wire/*.txtpb} message and the bytes protoc produced for it from
 * the specification's own {@code .proto} ({@code wire/*.binpb}, see {@code spec/regenerate.sh}).
 * Our generated code must turn one into the other in both directions, and our WebSocket framing
 * must wrap and unwrap them (WS-01, WS-02, WS-04, WS-08).
 */
class WireFixturesTest {

  record Fixture(String name, Message expected, byte[] golden) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Fixture> fixtures() throws IOException {
    return Stream.of(
            "agent-to-server-full-report",
            "agent-to-server-heartbeat",
            "agent-to-server-disconnect",
            "agent-to-server-certificate-request",
            "server-to-agent-full-offer",
            "server-to-agent-unavailable",
            "server-to-agent-bad-request",
            "server-to-agent-restart")
        .map(WireFixturesTest::load);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void encodesToTheSpecificationsBytes(Fixture fixture) {
    assertThat(fixture.expected().toByteArray()).isEqualTo(fixture.golden());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void decodesTheSpecificationsBytes(Fixture fixture) throws Exception {
    Message decoded =
        MessageLimits.defaults().parse(fixture.expected().getParserForType(), fixture.golden());
    assertThat(decoded).isEqualTo(fixture.expected());
    assertThat(decoded.getUnknownFields().asMap()).as("fields our .proto did not know").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void framesAWebSocketMessageAsHeaderZeroThenTheBytes(Fixture fixture) {
    byte[] framed = WebSocketFraming.frame(fixture.expected());

    assertThat(framed[0]).isZero();
    assertThat(ByteBuffer.wrap(framed, 1, framed.length - 1))
        .isEqualTo(ByteBuffer.wrap(fixture.golden()));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void readsFramedAndLegacyHeaderlessWebSocketMessages(Fixture fixture) throws Exception {
    byte[] framed = new byte[fixture.golden().length + 1];
    System.arraycopy(fixture.golden(), 0, framed, 1, fixture.golden().length);

    Message fromFramed =
        WebSocketFraming.parse(
            fixture.expected().getParserForType(),
            ByteBuffer.wrap(framed),
            MessageLimits.defaults());
    Message fromLegacy =
        WebSocketFraming.parse(
            fixture.expected().getParserForType(),
            ByteBuffer.wrap(fixture.golden()),
            MessageLimits.defaults());

    assertThat(fromFramed).isEqualTo(fixture.expected());
    assertThat(fromLegacy).isEqualTo(fixture.expected());
  }

  @Test
  void fixturesSetEveryFieldOfEveryMessage() throws IOException {
    Set<String> set = new HashSet<>();
    fixtures().forEach(fixture -> collectSetFields(fixture.expected(), set));

    Set<String> all = new TreeSet<>();
    collectAllFields(AgentToServer.getDescriptor(), all, new HashSet<>());
    collectAllFields(ServerToAgent.getDescriptor(), all, new HashSet<>());
    all.removeAll(set);

    // Scalars at their zero value are not on the wire, so they count as set only when non-zero;
    // these are the zero-valued enums whose zero value is the one worth a fixture.
    all.removeAll(List.of("opamp.proto.v1.ServerToAgentCommand.type"));
    assertThat(all).as("fields no fixture sets").isEmpty();
  }

  private static void collectSetFields(Message message, Set<String> out) {
    message
        .getAllFields()
        .forEach(
            (field, value) -> {
              out.add(field.getFullName());
              if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (field.isRepeated()) {
                  for (Object element : (List<?>) value) {
                    collectSetFields((Message) element, out);
                  }
                } else {
                  collectSetFields((Message) value, out);
                }
              }
            });
  }

  private static void collectAllFields(Descriptor message, Set<String> out, Set<String> seen) {
    if (!seen.add(message.getFullName())) {
      return;
    }
    for (FieldDescriptor field : message.getFields()) {
      out.add(field.getFullName());
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        collectAllFields(field.getMessageType(), out, seen);
      }
    }
  }

  private static Fixture load(String name) {
    Message.Builder builder =
        name.startsWith("agent-to-server")
            ? AgentToServer.newBuilder()
            : ServerToAgent.newBuilder();
    try {
      TextFormat.merge(new String(resource(name + ".txtpb"), StandardCharsets.UTF_8), builder);
      return new Fixture(name, builder.build(), resource(name + ".binpb"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot load wire fixture " + name, e);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = WireFixturesTest.class.getResourceAsStream("/wire/" + name)) {
      if (in == null) {
        throw new IOException("wire/" + name + " is not on the test class path");
      }
      return in.readAllBytes();
    }
  }

  @Test
  void rejectsAFixtureWithAFlippedByteAsMalformedOrDifferent() throws Exception {
    // Guards the fixture test itself: a corrupted golden file must not still compare equal.
    Fixture fixture = load("agent-to-server-heartbeat");
    byte[] corrupted = fixture.golden().clone();
    corrupted[corrupted.length - 1] ^= 0x01;
    Message decoded;
    try {
      decoded = MessageLimits.defaults().parse(AgentToServer.parser(), corrupted);
    } catch (MalformedMessageException e) {
      return;
    }
    assertThat(decoded).isNotEqualTo(fixture.expected());
  }
}
