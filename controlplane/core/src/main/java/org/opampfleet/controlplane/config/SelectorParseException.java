/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

/**
 * Thrown when a selector is not valid label-selector syntax. The message names the column, e.g.
 * {@code column 30: expected '(' after 'in'}.
 */
public final class SelectorParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int column;
  private final String problem;

  SelectorParseException(int column, String problem) {
    super("column " + column + ": " + problem);
    this.column = column;
    this.problem = problem;
  }

  /** Returns the 1-based column where the problem is. */
  public int column() {
    return column;
  }

  /** Returns the problem without the column. */
  public String problem() {
    return problem;
  }
}
