/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration cannot be saved; carries every problem found. */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  /** Creates the exception from the problems (at least one an error). */
  public InvalidConfigException(List<ConfigProblem> problems) {
    super(
        problems.stream()
            .filter(p -> p.severity() == ConfigProblem.Severity.ERROR)
            .map(ConfigProblem::describe)
            .collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  /** Returns every problem, errors and warnings. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
