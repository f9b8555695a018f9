/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Internal; not API; may change without notice. Masks secret values in configuration text shown to
 * people (UI guide 4.10): values of keys that look like credentials ({@code password}, {@code
 * token}, {@code api_key}, {@code authorization}, ...). Masking works line by line so line numbers
 * and diffs stay aligned; block scalars ({@code |}, {@code >}) under a secret key are masked whole.
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class Secrets {
  /** What a masked value is replaced with. */
  public static final String MASK = "•••••• (masked)";

  /** The default secret key patterns (substrings, case-insensitive). */
  public static final List<String> DEFAULT_PATTERNS =
      List.of(
          "password",
          "passwd",
          "secret",
          "token",
          "api_key",
          "apikey",
          "api-key",
          "authorization",
          "bearer",
          "private_key",
          "credential");

  private static final Pattern KEY_VALUE =
      Pattern.compile("^(\\s*(?:-\\s+)?)(\"[^\"]*\"|'[^']*'|[^\\s:#][^:#]*?)(\\s*:\\s+)(.*)$");

  private Secrets() {}

  /** Returns whether a key names a secret. */
  public static boolean isSecretKey(String key) {
    String lower = key.toLowerCase(Locale.ROOT).replace("\"", "").replace("'", "");
    for (String pattern : DEFAULT_PATTERNS) {
      if (lower.contains(pattern)) {
        return true;
      }
    }
    return false;
  }

  /** Returns the text with secret values masked, line for line. */
  public static String maskYaml(String text) {
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    int blockIndent = -1;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (i > 0) {
        out.append('\n');
      }
      int indent = indentOf(line);
      if (blockIndent >= 0) {
        if (line.isBlank() || indent > blockIndent) {
          out.append(line.isBlank() ? line : " ".repeat(indent) + MASK);
          continue;
        }
        blockIndent = -1;
      }
      Matcher m = KEY_VALUE.matcher(line);
      if (m.matches() && isSecretKey(m.group(2))) {
        String value = m.group(4).trim();
        if (value.isEmpty() || value.startsWith("#")) {
          out.append(line);
        } else if (value.startsWith("|") || value.startsWith(">")) {
          out.append(line);
          blockIndent = indent;
        } else {
          out.append(m.group(1)).append(m.group(2)).append(m.group(3)).append(MASK);
        }
        continue;
      }
      out.append(line);
    }
    return out.toString();
  }

  /** Returns the files with secret values masked. */
  public static Map<String, String> maskFiles(Map<String, String> files) {
    Map<String, String> out = new LinkedHashMap<>();
    files.forEach((name, text) -> out.put(name, maskYaml(text)));
    return out;
  }

  /** Returns header names with every value masked: headers of telemetry destinations. */
  public static Map<String, String> maskHeaders(Map<String, String> headers) {
    Map<String, String> out = new LinkedHashMap<>();
    new java.util.TreeMap<>(headers).forEach((name, value) -> out.put(name, MASK));
    return out;
  }

  private static int indentOf(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }
}
