/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes log events one per line in the Go supervisor's encodings (zap's): {@code json} ({@code
 * {"level":"info","ts":1732800000.123456,"logger":"…","msg":"…"}}) or {@code console} (tab
 * separated).
 *
 * <p><b>Thread safety:</b> thread-safe (stateless after construction).
 */
public final class LogLineEncoder extends EncoderBase<ILoggingEvent> {
  private final boolean json;

  /** Creates an encoder; {@code encoding} is {@code json} or {@code console}. */
  public LogLineEncoder(String encoding) {
    this.json = encoding.equals("json");
  }

  @Override
  public byte[] headerBytes() {
    return new byte[0];
  }

  @Override
  public byte[] footerBytes() {
    return new byte[0];
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    String level = level(event.getLevel());
    String logger = shortName(event.getLoggerName());
    String message = event.getFormattedMessage();
    IThrowableProxy thrown = event.getThrowableProxy();
    StringBuilder b = new StringBuilder(128);
    Instant ts = event.getInstant();
    if (json) {
      b.append("{\"level\":\"").append(level).append("\",\"ts\":");
      b.append(String.format(Locale.ROOT, "%d.%06d", ts.getEpochSecond(), ts.getNano() / 1000));
      b.append(",\"logger\":");
      quote(b, logger);
      b.append(",\"msg\":");
      quote(b, message == null ? "" : message);
      if (thrown != null) {
        b.append(",\"error\":");
        quote(b, thrown.getClassName() + ": " + thrown.getMessage());
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
          b.append(",\"stacktrace\":");
          quote(b, ThrowableProxyUtil.asString(thrown));
        }
      }
      b.append("}\n");
    } else {
      b.append(ts).append('\t').append(level).append('\t').append(logger).append('\t');
      b.append(message);
      if (thrown != null) {
        b.append('\t').append(ThrowableProxyUtil.asString(thrown));
      }
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String level(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "error";
      case Level.WARN_INT -> "warn";
      case Level.INFO_INT -> "info";
      default -> "debug";
    };
  }

  private static String shortName(String name) {
    if (name.startsWith("org.opampfleet.supervisor")) {
      int dot = name.lastIndexOf('.');
      return "supervisor." + name.substring(dot + 1);
    }
    return name;
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
