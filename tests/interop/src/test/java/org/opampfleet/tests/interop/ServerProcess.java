/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane server jar running as a separate process on ephemeral ports, as a user starts
 * it; the ports are read from its start-up log line.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern RUNNING =
      Pattern.compile(
          "agents connect to ws://[^:]+:(\\d+)/v1/opamp .* web UI and REST API on http://[^:]+:(\\d+)/");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  final int opampPort;
  final int httpPort;
  final String adminToken;

  private ServerProcess(Process process, int opampPort, int httpPort, String adminToken) {
    this.process = process;
    this.opampPort = opampPort;
    this.httpPort = httpPort;
    this.adminToken = adminToken;
  }

  static ServerProcess start(Path dataDir) throws Exception {
    Path jar =
        Path.of("..", "..", "controlplane", "app", "target", "opampfleet-server.jar")
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the control plane first (./mvnw package)");
    }
    Process process =
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
            .redirectErrorStream(true)
            .start();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> seen = new CopyOnWriteArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      seen.add(line);
      Matcher m = RUNNING.matcher(line);
      if (m.find()) {
        ServerProcess server =
            new ServerProcess(
                process,
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Files.readString(dataDir.resolve("admin-token")).trim());
        server.output.addAll(seen);
        Thread drain =
            new Thread(
                () -> {
                  try {
                    String more;
                    while ((more = reader.readLine()) != null) {
                      server.output.add(more);
                    }
                  } catch (IOException e) {
                    // The process ended.
                  }
                },
                "server-output");
        drain.setDaemon(true);
        drain.start();
        return server;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "the server did not start; its output:\n" + String.join("\n", seen));
  }

  List<String> output() {
    return List.copyOf(output);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the server shuts down in order
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
