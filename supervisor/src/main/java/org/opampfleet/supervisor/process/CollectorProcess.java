/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the collector process: started with a command line and environment, its output pumped
 * into a {@link LogCapture}, stopped gracefully (SIGTERM, then SIGKILL after a grace period, also
 * to its descendants) or reloaded with SIGHUP.
 *
 * <p><b>Thread safety:</b> thread-safe. Daemon threads pump the output; the JDK's process reaper
 * completes {@link #exit()}.
 */
public final class CollectorProcess {
  private static final Logger LOG = LoggerFactory.getLogger(CollectorProcess.class);
  private static final int MAX_LINE_CHARS = 16 * 1024;

  private final Process process;
  private final Instant startedAt;
  private final CompletableFuture<Integer> exit;
  private volatile boolean stopRequested;

  private CollectorProcess(Process process, Instant startedAt) {
    this.process = process;
    this.startedAt = startedAt;
    this.exit = process.onExit().thenApply(Process::exitValue);
  }

  /**
   * Starts a process.
   *
   * @param command the executable and its arguments
   * @param extraEnv entries added to the supervisor's environment, or null to inherit it as is
   * @param capture where its output goes
   * @throws IOException if it cannot be started (missing binary, permissions); the message names
   *     the executable
   */
  public static CollectorProcess start(
      List<String> command,
      @Nullable Map<String, String> extraEnv,
      @Nullable Path workingDirectory,
      LogCapture capture,
      Clock clock)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (extraEnv != null) {
      builder.environment().putAll(extraEnv);
    }
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    // Into agent.log both streams go together anyway: one pipe, one pump thread.
    builder.redirectErrorStream(!capture.isPassthrough());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    process.getOutputStream().close();
    CollectorProcess started = new CollectorProcess(process, clock.instant());
    pump(process.getInputStream(), LogCapture.Stream.STDOUT, capture, process.pid());
    if (capture.isPassthrough()) {
      pump(process.getErrorStream(), LogCapture.Stream.STDERR, capture, process.pid());
    }
    return started;
  }

  private static void pump(
      InputStream stream, LogCapture.Stream which, LogCapture capture, long pid) {
    Thread thread =
        new Thread(
            null,
            () -> {
              try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                char[] buffer = new char[4096];
                int n;
                while ((n = reader.read(buffer)) >= 0) {
                  for (int i = 0; i < n; i++) {
                    char c = buffer[i];
                    if (c == '\n' || line.length() >= MAX_LINE_CHARS) {
                      capture.accept(which, stripCr(line));
                      line.setLength(0);
                      if (c == '\n') {
                        continue;
                      }
                    }
                    line.append(c);
                  }
                }
                if (line.length() > 0) {
                  capture.accept(which, stripCr(line));
                }
              } catch (IOException e) {
                // The process is gone; its output ends here.
              }
            },
            "collector-" + which.name().toLowerCase(java.util.Locale.ROOT) + "-" + pid,
            64 * 1024);
    thread.setDaemon(true);
    thread.start();
  }

  private static String stripCr(StringBuilder line) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    return line.substring(0, end);
  }

  /** Returns the process ID. */
  public long pid() {
    return process.pid();
  }

  /** Returns when it was started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** Returns a future completed with the exit code when the process ends. */
  public CompletableFuture<Integer> exit() {
    return exit;
  }

  /** Returns whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Returns whether {@link #stop} was called, so its exit is not a crash. */
  public boolean isStopRequested() {
    return stopRequested;
  }

  /**
   * Asks the process to reload its configuration with SIGHUP.
   *
   * @throws IOException if the signal cannot be sent
   */
  public void reload() throws IOException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
    try {
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        kill.destroyForcibly();
        throw new IOException("kill -HUP " + process.pid() + " failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending SIGHUP", e);
    }
  }

  /**
   * Stops the process: SIGTERM, then after {@code grace} SIGKILL to it and its descendants. Blocks
   * until it is gone.
   *
   * @return the exit code, or -1 if it had to be killed
   */
  public int stop(Duration grace) {
    stopRequested = true;
    if (!process.isAlive()) {
      return process.exitValue();
    }
    process.destroy();
    try {
      return exit.get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "The collector (PID {}) did not stop within {} ms of SIGTERM; killing it",
          process.pid(),
          grace.toMillis());
      kill();
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      return -1;
    } catch (ExecutionException e) {
      return -1;
    }
  }

  /** Kills the process and its descendants at once (SIGKILL) and waits a little for it to go. */
  public void kill() {
    stopRequested = true;
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
