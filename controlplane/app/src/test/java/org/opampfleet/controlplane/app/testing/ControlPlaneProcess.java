/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane's server jar running as its own process, as a user starts it, for the tests of
 * other modules (this module's test-jar): loopback only, ephemeral ports read from its start-up
 * line, a fresh data directory, the admin token it writes there. Its output is echoed with a {@code
 * [control plane]} prefix.
 *
 * <p>The jar is {@code -Dcontrolplane.jar=…}, else {@code controlplane/app/target/
 * opampfleet-server.jar} found from the working directory upwards; it is copied into the work
 * directory first, so a rebuild during the run cannot pull it from under the process.
 */
public final class ControlPlaneProcess implements AutoCloseable {
  private static final Pattern RUNNING =
      Pattern.compile(
          "agents connect to ws://[^:]+:(\\d+)/v1/opamp .* web UI and REST API on"
              + " http://[^:]+:(\\d+)/");
  private static final Path JAR = Path.of("controlplane", "app", "target", "opampfleet-server.jar");

  private final Process process;
  private final List<String> output;

  /** The OpAMP port (WebSocket and plain HTTP on {@code /v1/opamp}). */
  public final int opampPort;

  /** The web UI and REST API port. */
  public final int httpPort;

  /** The admin API token the server created on its first start. */
  public final String adminToken;

  private ControlPlaneProcess(
      Process process, List<String> output, int opampPort, int httpPort, String adminToken) {
    this.process = process;
    this.output = output;
    this.opampPort = opampPort;
    this.httpPort = httpPort;
    this.adminToken = adminToken;
  }

  /**
   * Starts the server with its data in {@code work/data} and returns once it is running.
   *
   * @throws IllegalStateException if the jar is not built, or the server does not start within a
   *     minute (the message holds its output)
   */
  public static ControlPlaneProcess start(Path work) throws IOException, InterruptedException {
    Path jar = Files.copy(serverJar(), work.resolve("opampfleet-server.jar"));
    Path dataDir = Files.createDirectories(work.resolve("data"));
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                jar.toString(),
                "--data-dir",
                dataDir.toString(),
                "--opamp-port",
                "0",
                "--http-port",
                "0")
            .redirectErrorStream(true);
    builder.environment().put("OPAMPFLEET_OPAMP_HOST", "127.0.0.1");
    builder.environment().put("OPAMPFLEET_HTTP_HOST", "127.0.0.1");
    // On SIGTERM the server spreads closing the agent sessions left over this (default 10 s).
    builder.environment().put("OPAMPFLEET_SHUTDOWN_GRACE_PERIOD", "1s");
    Process process = builder.start();
    List<String> output = new CopyOnWriteArrayList<>();
    CompletableFuture<Matcher> running = new CompletableFuture<>();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  output.add(line);
                  System.out.println("[control plane] " + line);
                  Matcher m = RUNNING.matcher(line);
                  if (m.find()) {
                    running.complete(m);
                  }
                }
              } catch (IOException e) {
                // The process ended.
              }
              running.completeExceptionally(new IllegalStateException("the server exited"));
            },
            "control-plane-output");
    drain.setDaemon(true);
    drain.start();
    Matcher m;
    try {
      m = running.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      destroy(process);
      throw new IllegalStateException(
          "the control plane did not start; its output:\n" + String.join("\n", output), e);
    }
    return new ControlPlaneProcess(
        process,
        output,
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        Files.readString(dataDir.resolve("admin-token"), StandardCharsets.UTF_8).strip());
  }

  /** Returns the server's process ID (for {@code jcmd}). */
  public long pid() {
    return process.pid();
  }

  /** Returns what the server printed so far. */
  public List<String> output() {
    return List.copyOf(output);
  }

  /** Stops the server with SIGTERM (an orderly shutdown), killing it if it takes over 30 s. */
  @Override
  public void close() throws InterruptedException {
    destroy(process);
  }

  private static void destroy(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Path serverJar() {
    String configured = System.getProperty("controlplane.jar");
    if (configured != null) {
      return requireFile(Path.of(configured));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(JAR))) {
        return dir.resolve(JAR);
      }
    }
    throw new IllegalStateException(
        JAR
            + " not found from "
            + Path.of("").toAbsolutePath()
            + " upwards: build the control plane first"
            + " (./mvnw -B -q -pl controlplane/app -am install -DskipTests)");
  }

  private static Path requireFile(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the control plane first (./mvnw -B -q -DskipTests package)");
    }
    return jar;
  }
}
