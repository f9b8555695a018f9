/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the collector's output goes: appended to {@code agent.log} (rotated at a size cap, keeping
 * a few generations) or, with {@code passthrough_logs}, logged through the supervisor's logger
 * {@code collector} (stdout lines at info, stderr lines at error). In both modes the last lines are
 * kept in memory (a byte budget), for crash reports (compat reference 6.2, BETTER).
 *
 * <p><b>Thread safety:</b> thread-safe; the two output pumps call {@link #accept} concurrently.
 */
public final class LogCapture implements AutoCloseable {
  private static final Logger COLLECTOR_LOG = LoggerFactory.getLogger("collector");
  private static final Logger LOG = LoggerFactory.getLogger(LogCapture.class);

  /** Which stream a line came from. */
  public enum Stream {
    STDOUT,
    STDERR
  }

  private final @Nullable Path file;
  private final long maxBytes;
  private final int maxBackups;
  private final int tailBudget;
  private final Deque<String> tail = new ArrayDeque<>();
  // Guarded by this.
  private int tailBytes;
  private @Nullable OutputStream out;
  private long written;

  private LogCapture(@Nullable Path file, long maxBytes, int maxBackups, int tailBudget) {
    this.file = file;
    this.maxBytes = maxBytes;
    this.maxBackups = maxBackups;
    this.tailBudget = tailBudget;
  }

  /** Output goes to {@code file}, rotated at {@code maxBytes} with {@code maxBackups} kept. */
  public static LogCapture toFile(Path file, long maxBytes, int maxBackups, int tailBudgetBytes) {
    return new LogCapture(file, maxBytes, maxBackups, tailBudgetBytes);
  }

  /** Output is logged by the supervisor's {@code collector} logger. */
  public static LogCapture passthrough(int tailBudgetBytes) {
    return new LogCapture(null, 0, 0, tailBudgetBytes);
  }

  /** Returns whether output is passed through the supervisor's log (not written to a file). */
  public boolean isPassthrough() {
    return file == null;
  }

  /** Forgets the in-memory tail: called at each collector start. */
  public synchronized void resetTail() {
    tail.clear();
    tailBytes = 0;
  }

  /** Takes one line of collector output. */
  public void accept(Stream stream, String line) {
    if (file == null) {
      if (stream == Stream.STDERR) {
        COLLECTOR_LOG.error(line);
      } else {
        COLLECTOR_LOG.info(line);
      }
    }
    synchronized (this) {
      remember(line);
      if (file != null) {
        writeToFile(line);
      }
    }
  }

  /**
   * Returns the last lines of output within the budget, oldest first, trimmed; empty if there were
   * none.
   */
  public synchronized String tail() {
    return String.join("\n", tail).strip();
  }

  /** Returns the last lines within {@code maxBytes}, oldest first (for crash snippets). */
  public synchronized String tail(int maxBytesWanted) {
    StringBuilder out = new StringBuilder();
    int used = 0;
    var it = tail.descendingIterator();
    Deque<String> picked = new ArrayDeque<>();
    while (it.hasNext()) {
      String line = it.next();
      int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
      if (used + size > maxBytesWanted) {
        break;
      }
      used += size;
      picked.addFirst(line);
    }
    for (String line : picked) {
      out.append(line).append('\n');
    }
    return out.toString().strip();
  }

  private void remember(String line) {
    if (tailBudget <= 0) {
      return;
    }
    int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
    tail.addLast(line);
    tailBytes += size;
    while (tailBytes > tailBudget && tail.size() > 1) {
      tailBytes -= tail.removeFirst().getBytes(StandardCharsets.UTF_8).length + 1;
    }
  }

  private void writeToFile(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      if (out == null) {
        open();
      }
      if (written + bytes.length > maxBytes && written > 0) {
        rotate();
      }
      out.write(bytes);
      out.flush();
      written += bytes.length;
    } catch (IOException e) {
      LOG.warn("Cannot write the collector's output to {}: {}", file, e.toString());
      closeQuietly();
    }
  }

  private void open() throws IOException {
    out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    written = Files.size(file);
  }

  private void rotate() throws IOException {
    closeQuietly();
    for (int i = maxBackups; i >= 1; i--) {
      Path from = i == 1 ? file : backup(i - 1);
      if (Files.exists(from)) {
        if (i == maxBackups || maxBackups == 0) {
          Files.deleteIfExists(backup(i));
        }
        Files.move(from, backup(i), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (maxBackups == 0) {
      Files.deleteIfExists(file);
    }
    open();
  }

  private Path backup(int generation) {
    return file.resolveSibling(file.getFileName() + "." + generation);
  }

  private void closeQuietly() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // Nothing more to do with a broken log file.
      }
      out = null;
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }
}
