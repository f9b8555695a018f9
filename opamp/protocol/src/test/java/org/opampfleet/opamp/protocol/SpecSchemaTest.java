/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Checks our {@code .proto} files against the OpAMP specification's, element by element.
 *
 * <p>{@code spec/opamp-schema.tsv} was produced by protoc from the specification's own {@code
 * .proto} files (see {@code spec/regenerate.sh}), so this compares two independent sources: every
 * message, field name, number, label and type, every oneof, enum and enum value.
 */
class SpecSchemaTest {

  private static final List<FileDescriptor> OUR_FILES =
      List.of(AgentToServer.getDescriptor().getFile(), AnyValue.getDescriptor().getFile());

  @Test
  void usesTheSpecificationsProtobufPackage() {
    for (FileDescriptor file : OUR_FILES) {
      assertThat(file.getPackage()).as(file.getName()).isEqualTo("opamp.proto.v1");
    }
  }

  @Test
  void keepsTheSpecificationsFileLayoutSoImportsResolve() {
    assertThat(OUR_FILES)
        .extracting(FileDescriptor::getName)
        .containsExactly("opamp/v1/opamp.proto", "opamp/v1/anyvalue.proto");
    assertThat(AgentToServer.getDescriptor().getFile().getDependencies())
        .extracting(FileDescriptor::getName)
        .containsExactly("opamp/v1/anyvalue.proto");
  }

  @Test
  void generatesJavaIntoOurPackage() {
    for (FileDescriptor file : OUR_FILES) {
      assertThat(file.getOptions().getJavaPackage()).isEqualTo("org.opampfleet.opamp.protocol");
      assertThat(file.getOptions().getJavaMultipleFiles()).isTrue();
    }
  }

  @Test
  void matchesTheSpecificationElementForElement() throws IOException {
    Set<String> spec = specListing();
    Set<String> ours = new TreeSet<>();
    for (FileDescriptor file : OUR_FILES) {
      file.getMessageTypes().forEach(message -> list(message, ours));
      file.getEnumTypes().forEach(enumType -> list(enumType, ours));
    }

    assertThat(ours).as("elements in our .proto but not in the specification's").isSubsetOf(spec);
    assertThat(spec).as("elements in the specification's .proto but not in ours").isSubsetOf(ours);
  }

  @Test
  void coversEveryMessageOfTheSpecification() throws IOException {
    // 37 messages in opamp.proto and 4 in anyvalue.proto (checklist section 3), plus the entry
    // messages protoc generates for the 8 map fields.
    long messages = specListing().stream().filter(row -> row.startsWith("message\t")).count();
    long mapEntries =
        specListing().stream()
            .filter(row -> row.startsWith("message\t") && row.endsWith("Entry"))
            .count();
    assertThat(messages - mapEntries).isEqualTo(41);
    assertThat(mapEntries).isEqualTo(8);
  }

  private static Set<String> specListing() throws IOException {
    try (InputStream in = SpecSchemaTest.class.getResourceAsStream("/spec/opamp-schema.tsv")) {
      assertThat(in).as("spec/opamp-schema.tsv on the test class path").isNotNull();
      Set<String> rows = new TreeSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          rows.add(line);
        }
      }
      return rows;
    }
  }

  private static void list(Descriptor message, Set<String> out) {
    out.add("message\t" + message.getFullName());
    for (FieldDescriptor field : message.getFields()) {
      FieldDescriptorProto proto = field.toProto();
      String type =
          proto.hasTypeName()
              ? proto.getTypeName().replaceFirst("^\\.", "")
              : proto.getType().name();
      out.add(
          String.join(
              "\t",
              "field",
              message.getFullName() + "." + field.getName(),
              Integer.toString(field.getNumber()),
              proto.getLabel().name(),
              type));
    }
    for (OneofDescriptor oneof : message.getRealOneofs()) {
      out.add("oneof\t" + message.getFullName() + "." + oneof.getName());
    }
    message.getNestedTypes().forEach(nested -> list(nested, out));
    message.getEnumTypes().forEach(nested -> list(nested, out));
  }

  private static void list(EnumDescriptor enumType, Set<String> out) {
    out.add("enum\t" + enumType.getFullName());
    for (EnumValueDescriptor value : enumType.getValues()) {
      out.add(
          "value\t" + enumType.getFullName() + "." + value.getName() + "\t" + value.getNumber());
    }
  }
}
