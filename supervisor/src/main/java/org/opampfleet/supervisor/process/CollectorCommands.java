/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The collector's short-lived commands the supervisor runs: {@code validate} (before applying a
 * config, and for {@code startup_fallback_configs}), {@code featuregate} (the feature-gate probe)
 * and {@code components} (a fallback for learning the components).
 *
 * <p><b>Thread safety:</b> immutable; thread-safe. Each call blocks until the command ends or its
 * timeout passes.
 */
public final class CollectorCommands {
  private static final int MAX_OUTPUT = 64 * 1024;

  private final Path executable;
  private final List<String> args;
  private final @Nullable Map<String, String> env;

  /**
   * Creates the runner.
   *
   * @param executable the collector binary
   * @param args {@code agent.args}, appended to {@code validate}
   * @param env {@code agent.env}, or null to inherit the environment
   */
  public CollectorCommands(Path executable, List<String> args, @Nullable Map<String, String> env) {
    this.executable = executable;
    this.args = List.copyOf(args);
    this.env = env;
  }

  /**
   * The outcome of a command.
   *
   * @param exitCode its exit code, or -1 if it timed out or could not start
   * @param output stdout and stderr together, at most 64 KiB
   */
  public record Result(int exitCode, String output) {
    /** Returns whether it exited with 0. */
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code <executable> validate --config f1 … --config fn <agent.args>}.
   *
   * @param timeout the most it may take (10 s in the Go supervisor)
   */
  public Result validate(List<Path> configs, List<String> featureGateArgs, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.add("validate");
    for (Path config : configs) {
      command.add("--config");
      command.add(config.toString());
    }
    command.addAll(featureGateArgs);
    command.addAll(args);
    return run(command, timeout);
  }

  /**
   * Runs {@code <executable> featuregate} and returns the gate IDs it lists: the first token of
   * every line after the header. Empty when the command fails (an old collector without it).
   *
   * @throws IOException if the executable cannot be started at all
   */
  public Set<String> featureGates(Duration timeout) throws IOException {
    List<String> command = List.of(executable.toString(), "featuregate");
    Result result = runChecked(command, timeout);
    Set<String> gates = new LinkedHashSet<>();
    if (!result.succeeded()) {
      return gates;
    }
    String[] lines = result.output().split("\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.isEmpty()) {
        gates.add(line.split("\\s+")[0]);
      }
    }
    return gates;
  }

  /** Runs {@code <executable> components} and returns its YAML output, or the failure. */
  public Result components(Duration timeout) {
    return run(List.of(executable.toString(), "components"), timeout);
  }

  private Result run(List<String> command, Duration timeout) {
    try {
      return runChecked(command, timeout);
    } catch (IOException e) {
      return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
    }
  }

  private Result runChecked(List<String> command, Duration timeout) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (env != null) {
      builder.environment().putAll(env);
    }
    Process process = builder.start();
    process.getOutputStream().close();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader =
        new Thread(
            null,
            () -> {
              try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  synchronized (output) {
                    if (output.size() < MAX_OUTPUT) {
                      output.write(buffer, 0, Math.min(n, MAX_OUTPUT - output.size()));
                    }
                  }
                }
              } catch (IOException e) {
                // The process ended.
              }
            },
            "collector-command",
            64 * 1024);
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        reader.join(1000);
        synchronized (output) {
          return new Result(
              -1,
              "`"
                  + String.join(" ", command)
                  + "` did not finish within "
                  + timeout.toMillis()
                  + " ms\n"
                  + output.toString(StandardCharsets.UTF_8));
        }
      }
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return new Result(-1, "interrupted while running " + command.get(0));
    }
    synchronized (output) {
      return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8).strip());
    }
  }
}
