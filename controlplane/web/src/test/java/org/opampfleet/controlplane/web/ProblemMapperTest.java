/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.config.ConfigConflictException;
import org.opampfleet.controlplane.config.ConfigProblem;
import org.opampfleet.controlplane.config.InvalidConfigException;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.config.SelectorParseException;

class ProblemMapperTest {
  @Test
  void invalidConfigNamesLineAndColumn() {
    Problem p =
        ProblemMapper.map(
            new InvalidConfigException(
                List.of(
                    new ConfigProblem(
                        ConfigProblem.Severity.ERROR,
                        "c.yaml",
                        4,
                        12,
                        "mapping values are not allowed here"))),
            "r1");
    assertThat(p.status()).isEqualTo(400);
    assertThat(p.detail())
        .isEqualTo("c.yaml line 4, column 12: mapping values are not allowed here");
    assertThat(p.toJson("/x"))
        .containsKeys("type", "title", "status", "detail", "instance", "errors");
  }

  @Test
  void selectorErrorsCarryTheColumn() {
    SelectorParseException e = null;
    try {
      Selector.parse("env in prod");
    } catch (SelectorParseException thrown) {
      e = thrown;
    }
    Problem p = ProblemMapper.map(e, "r1");
    assertThat(p.status()).isEqualTo(400);
    assertThat(p.extensions()).containsEntry("column", 8);
  }

  @Test
  void conflictNamesTheLatestVersion() {
    Problem p = ProblemMapper.map(new ConfigConflictException("a", 1, 3), "r1");
    assertThat(p.status()).isEqualTo(409);
    assertThat(p.extensions()).containsEntry("latestVersion", 3);
  }

  @Test
  void unexpectedFailuresHideTheirMessageAndNameTheRequest() {
    Problem p = ProblemMapper.map(new IllegalStateException("secret internals"), "abc123");
    assertThat(p.status()).isEqualTo(500);
    assertThat(p.detail()).contains("abc123").doesNotContain("secret internals");
  }
}
