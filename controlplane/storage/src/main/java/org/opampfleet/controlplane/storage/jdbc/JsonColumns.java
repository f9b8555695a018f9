/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes and reads the columns that hold a map or a list of strings as JSON text: a flat JSON
 * object of strings ({@code {"env":"prod"}}) or a JSON array of strings ({@code ["a","b"]}).
 *
 * <p>JSON keeps the columns readable in a SQL console (and, on PostgreSQL, queryable with {@code
 * labels::jsonb ->> 'env'}) without a JSON library in this module. The writer escapes {@code "},
 * {@code \}, control characters and unpaired surrogates, so any Java string survives the round trip
 * exactly, including U+0000. The reader accepts any JSON of these two shapes (whitespace, every
 * escape) and nothing else; a duplicate key keeps its last value.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class JsonColumns {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonColumns() {}

  /** Returns a map as a JSON object of strings, in the map's iteration order. */
  static String writeMap(Map<String, String> map) {
    StringBuilder out = new StringBuilder(2 + 32 * map.size()).append('{');
    boolean first = true;
    for (Map.Entry<String, String> entry : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(out, entry.getKey());
      out.append(':');
      writeString(out, entry.getValue());
    }
    return out.append('}').toString();
  }

  /** Returns a list as a JSON array of strings. */
  static String writeList(List<String> list) {
    StringBuilder out = new StringBuilder(2 + 32 * list.size()).append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      writeString(out, list.get(i));
    }
    return out.append(']').toString();
  }

  /**
   * Reads a JSON object of strings into a sorted, unmodifiable map.
   *
   * @throws IllegalArgumentException if the text is not a JSON object of strings
   */
  static Map<String, String> readMap(String json) {
    Reader reader = new Reader(json);
    Map<String, String> map = new TreeMap<>();
    reader.skipWhitespace();
    reader.expect('{');
    reader.skipWhitespace();
    if (!reader.tryConsume('}')) {
      do {
        reader.skipWhitespace();
        String key = reader.readString();
        reader.skipWhitespace();
        reader.expect(':');
        reader.skipWhitespace();
        map.put(key, reader.readString());
        reader.skipWhitespace();
      } while (reader.tryConsume(','));
      reader.expect('}');
    }
    reader.expectEnd();
    return Collections.unmodifiableMap(map);
  }

  /**
   * Reads a JSON array of strings into an unmodifiable list.
   *
   * @throws IllegalArgumentException if the text is not a JSON array of strings
   */
  static List<String> readList(String json) {
    Reader reader = new Reader(json);
    List<String> list = new ArrayList<>();
    reader.skipWhitespace();
    reader.expect('[');
    reader.skipWhitespace();
    if (!reader.tryConsume(']')) {
      do {
        reader.skipWhitespace();
        list.add(reader.readString());
        reader.skipWhitespace();
      } while (reader.tryConsume(','));
      reader.expect(']');
    }
    reader.expectEnd();
    return List.copyOf(list);
  }

  private static void writeString(StringBuilder out, String value) {
    out.append('"');
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            escape(out, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < length
              && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            // Unpaired: escaped, so the text stays valid UTF-8 and the value comes back exactly.
            escape(out, c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void escape(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xF])
        .append(HEX[(c >> 8) & 0xF])
        .append(HEX[(c >> 4) & 0xF])
        .append(HEX[c & 0xF]);
  }

  /** A cursor over JSON text. Not thread-safe. */
  private static final class Reader {
    private final String json;
    private int position;

    Reader(String json) {
      this.json = json;
    }

    void skipWhitespace() {
      while (position < json.length()) {
        char c = json.charAt(position);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        position++;
      }
    }

    boolean tryConsume(char expected) {
      if (position < json.length() && json.charAt(position) == expected) {
        position++;
        return true;
      }
      return false;
    }

    void expect(char expected) {
      if (!tryConsume(expected)) {
        throw problem("'" + expected + "'");
      }
    }

    void expectEnd() {
      skipWhitespace();
      if (position != json.length()) {
        throw problem("the end of the text");
      }
    }

    String readString() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (position >= json.length()) {
          throw problem("'\"' closing the string");
        }
        char c = json.charAt(position++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          position--;
          throw problem("an escaped control character");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (position >= json.length()) {
          throw problem("an escape sequence");
        }
        char escape = json.charAt(position++);
        switch (escape) {
          case '"' -> out.append('"');
          case '\\' -> out.append('\\');
          case '/' -> out.append('/');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> out.append(readHexChar());
          default -> {
            position--;
            throw problem("an escape sequence");
          }
        }
      }
    }

    private char readHexChar() {
      if (position + 4 > json.length()) {
        throw problem("4 hexadecimal digits");
      }
      int value = 0;
      for (int i = 0; i < 4; i++) {
        int digit = hexDigit(json.charAt(position));
        if (digit < 0) {
          throw problem("4 hexadecimal digits");
        }
        value = value * 16 + digit;
        position++;
      }
      return (char) value;
    }

    private static int hexDigit(char c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      return -1;
    }

    private IllegalArgumentException problem(String expected) {
      String found =
          position < json.length() ? "'" + json.charAt(position) + "'" : "the end of the text";
      return new IllegalArgumentException(
          "not a JSON object or array of strings: "
              + found
              + " at offset "
              + position
              + " (expected: "
              + expected
              + ")");
    }
  }
}
