/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A worker in a child JVM of its own (the same jar, subcommand {@code worker}), so each process
 * stays under the open-file cap. The spec goes in as the first line of the child's standard input,
 * commands follow as JSON lines; events come back as JSON lines on its standard output. Its
 * standard error goes to ours. The child exits when its standard input closes, so it never outlives
 * the coordinator.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class ChildProcessWorker implements WorkerHandle {
  private static final System.Logger LOG = System.getLogger(ChildProcessWorker.class.getName());

  private final LoadOptions options;
  private final WorkerPlan plan;
  private final Consumer<WorkerEvent> sink;
  private @Nullable Process process;
  private @Nullable BufferedWriter stdin;

  ChildProcessWorker(LoadOptions options, WorkerPlan plan, Consumer<WorkerEvent> sink) {
    this.options = options;
    this.plan = plan;
    this.sink = sink;
  }

  /** Returns the command line that starts a worker process. */
  static List<String> command(String jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java"));
    Arrays.stream(jvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).forEach(command::add);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LoadGeneratorMain.class.getName());
    command.add("worker");
    return command;
  }

  @Override
  public synchronized void start() {
    ProcessBuilder builder =
        new ProcessBuilder(command(options.workerJvmOptions()))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = builder.start();
      process = p;
      stdin =
          new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
      Thread reader = new Thread(() -> read(p), "loadgen-worker-" + plan.index() + "-reader");
      reader.setDaemon(true);
      reader.start();
      writeLine(Json.MAPPER.writeValueAsString(new WorkerSpec(options, plan)));
    } catch (IOException e) {
      sink.accept(
          new WorkerEvent(
              WorkerEvent.Type.FAILED,
              plan.index(),
              null,
              "cannot start worker process: " + e.getMessage(),
              0));
    }
  }

  @Override
  public void send(WorkerCommand command) {
    try {
      writeLine(Json.MAPPER.writeValueAsString(command));
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "worker " + plan.index() + " did not take command " + command.type() + ": " + e);
    }
  }

  @Override
  public boolean awaitEnd(Duration timeout) {
    Process p = process;
    if (p == null) {
      return true;
    }
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public synchronized void close() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      if (stdin != null) {
        stdin.close(); // the worker stops when its input ends
      }
    } catch (IOException e) {
      // Already gone.
    }
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void writeLine(String line) throws IOException {
    BufferedWriter w = stdin;
    if (w == null) {
      throw new IOException("the worker process is not running");
    }
    w.write(line);
    w.newLine();
    w.flush();
  }

  private void read(Process p) {
    boolean ended = false;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (!line.startsWith(WorkerEvent.LINE_PREFIX)) {
          System.err.println("[worker " + plan.index() + "] " + line);
          continue;
        }
        WorkerEvent event =
            Json.MAPPER.readValue(
                line.substring(WorkerEvent.LINE_PREFIX.length()), WorkerEvent.class);
        ended |= event.type() == WorkerEvent.Type.FINAL || event.type() == WorkerEvent.Type.FAILED;
        sink.accept(event);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.WARNING, "lost worker " + plan.index() + ": " + e);
    }
    if (!ended) {
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        code = -1;
      }
      sink.accept(
          new WorkerEvent(
              WorkerEvent.Type.FAILED,
              plan.index(),
              null,
              "worker process exited with code " + code + " before its final statistics",
              0));
    }
  }
}
