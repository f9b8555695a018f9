/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JsonColumnsTest {

  @Test
  void writesCompactJson() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("env", "prod");
    map.put("q\"b\\", "line\nnext\ttab\u0001");

    assertThat(JsonColumns.writeMap(map))
        .isEqualTo("{\"env\":\"prod\",\"q\\\"b\\\\\":\"line\\nnext\\ttab\\u0001\"}");
    assertThat(JsonColumns.writeMap(Map.of())).isEqualTo("{}");
    assertThat(JsonColumns.writeList(List.of("a", "é🚀"))).isEqualTo("[\"a\",\"é🚀\"]");
    assertThat(JsonColumns.writeList(List.of())).isEqualTo("[]");
  }

  @Test
  void escapesUnpairedSurrogatesAndKeepsPairs() {
    assertThat(JsonColumns.writeList(List.of("\ud800", "x\udc00", "🚀")))
        .isEqualTo("[\"\\ud800\",\"x\\udc00\",\"🚀\"]");
  }

  @Test
  void readsAnyJsonOfTheTwoShapes() {
    assertThat(
            JsonColumns.readMap(
                " { \"b\" : \"\\u00e9\\/\\b\\f\\r\" ,\n\"a\":\"\\uD83D\\uDE80\", \"a\": \"last\" } "))
        .containsExactly(Map.entry("a", "last"), Map.entry("b", "é/\b\f\r"));
    assertThat(JsonColumns.readList("[ \"x\" , \"\" ]")).containsExactly("x", "");
    assertThat(JsonColumns.readList(" [ ] ")).isEmpty();
    assertThat(JsonColumns.readMap("{}")).isEmpty();
  }

  @Test
  void roundTripsRandomStringsExactly() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      Map<String, String> map = new TreeMap<>();
      List<String> list = new ArrayList<>();
      for (int i = random.nextInt(6); i > 0; i--) {
        map.put(randomString(random), randomString(random));
        list.add(randomString(random));
      }

      assertThat(JsonColumns.readMap(JsonColumns.writeMap(map))).isEqualTo(map);
      assertThat(JsonColumns.readList(JsonColumns.writeList(list))).isEqualTo(list);
    }
  }

  @Test
  void refusesAnythingElseAndSaysWhere() {
    assertThatThrownBy(() -> JsonColumns.readMap("[\"a\"]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON object or array of strings: '[' at offset 0 (expected: '{')");
    assertThatThrownBy(() -> JsonColumns.readMap("{\"a\":1}"))
        .hasMessageContaining("at offset 5 (expected: '\"')");
    assertThatThrownBy(() -> JsonColumns.readMap("{\"a\":\"b\"} x"))
        .hasMessageContaining("(expected: the end of the text)");
    assertThatThrownBy(() -> JsonColumns.readList("[\"a\",]")).hasMessageContaining("offset 5");
    assertThatThrownBy(() -> JsonColumns.readList("[\"\\u12\"]"))
        .hasMessageContaining("4 hexadecimal digits");
    assertThatThrownBy(() -> JsonColumns.readList("[\"\\u١٢٣٤\"]"))
        .hasMessageContaining("4 hexadecimal digits");
    assertThatThrownBy(() -> JsonColumns.readList("[\"\\x\"]"))
        .hasMessageContaining("an escape sequence");
    assertThatThrownBy(() -> JsonColumns.readList("[\"raw\nnewline\"]"))
        .hasMessageContaining("an escaped control character");
    assertThatThrownBy(() -> JsonColumns.readList("[\"open"))
        .hasMessageContaining("closing the string");
    assertThatThrownBy(() -> JsonColumns.readList("")).hasMessageContaining("the end of the text");
  }

  private static String randomString(Random random) {
    StringBuilder out = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      switch (random.nextInt(5)) {
        case 0 -> out.append((char) random.nextInt(0x20));
        case 1 -> out.append("\"\\/{}[],:".charAt(random.nextInt(9)));
        case 2 -> out.append((char) (0xD800 + random.nextInt(0x800)));
        case 3 -> out.appendCodePoint(0x1F600 + random.nextInt(0x50));
        default -> out.append((char) random.nextInt(0x10000));
      }
    }
    return out.toString();
  }
}
