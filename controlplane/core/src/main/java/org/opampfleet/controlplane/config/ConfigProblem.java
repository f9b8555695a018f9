/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

/**
 * A problem found in a configuration: an error blocks saving, a warning does not.
 *
 * @param severity error or warning
 * @param file the file it is in; empty for problems of the whole configuration
 * @param line 1-based line; 0 when it is about the whole file
 * @param column 1-based column; 0 when it is about the whole line or file
 * @param message what is wrong, for people
 */
public record ConfigProblem(Severity severity, String file, int line, int column, String message) {

  /** How serious a problem is. */
  public enum Severity {
    /** Blocks saving. */
    ERROR,
    /** Shown, does not block. */
    WARNING
  }

  /** Returns e.g. {@code collector.yaml line 4, column 12: mapping values are not allowed here}. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    if (!file.isEmpty()) {
      text.append(file).append(' ');
    }
    if (line > 0) {
      text.append("line ").append(line);
      if (column > 0) {
        text.append(", column ").append(column);
      }
      text.append(": ");
    } else if (!file.isEmpty()) {
      text.setLength(text.length() - 1);
      text.append(": ");
    }
    return text.append(message).toString();
  }
}
