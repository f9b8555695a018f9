/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's command line: unknown keys and bad values stop start-up naming the key. */
class SupervisorCommandLineIT {
  @TempDir Path dir;

  private record Result(int exitCode, String output) {}

  private Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(SupervisorProcess.launcher().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .put("SUPERVISOR_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    builder.environment().put("SUPERVISOR_CDS", "off");
    Process process = builder.start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Result(process.exitValue(), output);
    } finally {
      process.destroyForcibly();
    }
  }

  private Path config(String extra) throws IOException {
    return Files.writeString(
        dir.resolve("supervisor.yaml"),
        "server:\n  endpoint: ws://127.0.0.1:4320/v1/opamp\nagent:\n  executable: "
            + TestBinaries.fakeCollector()
            + "\n"
            + extra
            + "storage:\n  directory: "
            + dir.resolve("storage")
            + "\n");
  }

  @Test
  void validateAcceptsAGoodConfig() throws Exception {
    Result result = run("--config", config("").toString(), "--validate");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("is valid");
  }

  @Test
  void anUnknownKeyStopsStartUpNamingIt() throws Exception {
    Result result = run("--config", config("  bootstrap_timout: 5s\n").toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).contains("agent::bootstrap_timout: unknown key");
  }

  @Test
  void aBadValueStopsStartUpNamingTheKey() throws Exception {
    Result result =
        run("--config", config("  config_apply_timeout: -1s\n").toString(), "--validate");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).contains("agent::config_apply_timeout");
  }

  @Test
  void theConfigFlagIsRequired() throws Exception {
    Result result = run();
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("--config is required");
  }
}
