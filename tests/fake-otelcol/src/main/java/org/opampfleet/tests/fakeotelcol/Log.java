/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The fake collector's log: one line per entry, in the collector's {@code json} encoding ({@code
 * {"level":"info","ts":…,"msg":…}}) or its {@code console} encoding, on stderr by default or stdout
 * when {@code service.telemetry.logs.output_paths} says so.
 *
 * <p><b>Thread safety:</b> thread-safe; each line is written whole.
 */
final class Log {
  private volatile PrintStream out = System.err;
  private volatile boolean json;

  /** Applies a configuration's log settings. */
  void configure(CollectorConfig.LogSettings settings) {
    this.json = settings.encoding().equals("json");
    this.out = settings.toStdout() ? System.out : System.err;
  }

  void info(String message) {
    write("info", message, null);
  }

  void warn(String message) {
    write("warn", message, null);
  }

  void error(String message, String error) {
    write("error", message, error);
  }

  void fatal(String message, String error) {
    write("fatal", message, error);
  }

  private void write(String level, String message, @Nullable String error) {
    Instant now = Instant.now();
    String line;
    if (json) {
      StringBuilder b = new StringBuilder(96);
      b.append("{\"level\":\"").append(level).append("\",\"ts\":");
      b.append(String.format(Locale.ROOT, "%d.%06d", now.getEpochSecond(), now.getNano() / 1000));
      b.append(",\"msg\":");
      quote(b, message);
      if (error != null) {
        b.append(",\"error\":");
        quote(b, error);
      }
      b.append('}');
      line = b.toString();
    } else {
      line =
          now
              + "\t"
              + level
              + "\t"
              + message
              + (error == null ? "" : "\t{\"error\": \"" + error.replace("\n", "\\n") + "\"}");
    }
    PrintStream stream = out;
    synchronized (stream) {
      stream.println(line);
      stream.flush();
    }
  }

  private static void quote(StringBuilder b, String text) {
    b.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
