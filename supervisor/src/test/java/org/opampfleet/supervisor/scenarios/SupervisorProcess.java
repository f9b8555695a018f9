/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor as a child process, started through its launcher script {@code
 * target/opampfleet-supervisor} (the JVM settings measured in RESULTS.md), with its output in a
 * file. {@link #close()} stops it and kills whatever is left, its collector included.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class SupervisorProcess implements AutoCloseable {
  private final Process process;
  private final Path output;

  private SupervisorProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /**
   * Returns the launcher: {@code -Dsupervisor.launcher} or {@code target/opampfleet-supervisor}.
   */
  public static Path launcher() {
    String jar = System.getProperty("supervisor.jar");
    Path base = jar != null ? Path.of(jar).getParent() : Path.of("target");
    Path launcher = base.resolve("opampfleet-supervisor");
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(
          launcher.toAbsolutePath()
              + " is missing: build it with ./mvnw -pl tests/fake-otelcol,supervisor package");
    }
    return launcher.toAbsolutePath();
  }

  /** Starts {@code opampfleet-supervisor --config <config>}, output appended to {@code output}. */
  public static SupervisorProcess start(Path config, Path output, Map<String, String> env) {
    ProcessBuilder builder =
        new ProcessBuilder(List.of(launcher().toString(), "--config", config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder
        .environment()
        .put("SUPERVISOR_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    builder.environment().putAll(env);
    try {
      return new SupervisorProcess(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code java -jar opampfleet-supervisor.jar --config <config>} without the launcher. */
  public static SupervisorProcess startPlain(Path config, Path output) {
    Path jar = launcher().resolveSibling("opampfleet-supervisor.jar");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    jar.toString(),
                    "--config",
                    config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    try {
      return new SupervisorProcess(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the process ID. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Returns the PIDs of its live child processes (the collector). */
  public List<Long> children() {
    return process.children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
  }

  /** Returns what it printed so far. */
  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + output + ": " + e + ")";
    }
  }

  /** Stops it with SIGTERM and waits; returns its exit code. */
  public int stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
    return process.exitValue();
  }

  /** Kills it with SIGKILL, leaving its children alone (for orphan tests). */
  public void killAlone() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops it if it runs, then kills anything of it left. */
  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (process.isAlive()) {
      stop();
    }
    for (ProcessHandle handle : descendants) {
      handle.destroyForcibly();
    }
  }
}
