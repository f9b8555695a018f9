/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agent.log with rotation, and the in-memory tail used in crash reports. */
class LogCaptureTest {
  @TempDir Path dir;

  @Test
  void keepsTheLastLinesWithinTheBudget() {
    try (LogCapture capture = LogCapture.passthrough(64)) {
      for (int i = 0; i < 20; i++) {
        capture.accept(LogCapture.Stream.STDOUT, "line " + i);
      }
      assertThat(capture.tail()).endsWith("line 19").doesNotContain("line 1\n");
      assertThat(capture.tail().length()).isLessThanOrEqualTo(64);
      assertThat(capture.tail(16)).isEqualTo("line 18\nline 19");
      capture.resetTail();
      assertThat(capture.tail()).isEmpty();
    }
  }

  @Test
  void writesAgentLogAndRotatesItAtTheSizeCap() throws IOException {
    Path log = dir.resolve("agent.log");
    try (LogCapture capture = LogCapture.toFile(log, 100, 2, 1024)) {
      for (int i = 0; i < 30; i++) {
        capture.accept(LogCapture.Stream.STDERR, "message number " + i);
      }
    }
    assertThat(Files.readString(log)).contains("message number 29");
    assertThat(Files.size(log)).isLessThanOrEqualTo(100);
    assertThat(dir.resolve("agent.log.1")).exists();
    assertThat(dir.resolve("agent.log.2")).exists();
    assertThat(dir.resolve("agent.log.3")).doesNotExist();
  }
}
