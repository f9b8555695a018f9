/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the test binaries are and small helpers for loopback tests.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
public final class TestBinaries {
  private TestBinaries() {}

  /**
   * Returns the fake collector's launcher: {@code -Dfake.otelcol}, else {@code
   * tests/fake-otelcol/target/otelcol} found from the working directory upwards.
   */
  public static Path fakeCollector() {
    String configured = System.getProperty("fake.otelcol");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("tests/fake-otelcol/target/otelcol");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "tests/fake-otelcol/target/otelcol is missing: build it with"
            + " ./mvnw -pl tests/fake-otelcol,supervisor package (or set -Dfake.otelcol)");
  }

  /** Returns a port that was free a moment ago on 127.0.0.1. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
