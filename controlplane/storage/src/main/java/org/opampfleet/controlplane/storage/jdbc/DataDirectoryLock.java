/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * An exclusive lock on a data directory: the file {@code opampfleet.lock} in it, locked with the
 * operating system's file lock for as long as the {@link Database} is open.
 *
 * <p>H2 locks its own file too, but only against other processes: a second open in the same JVM
 * would silently share the database. This lock refuses both, with a message that names the data
 * directory. The file holds the owner's process id, for that message; it is left in place on close
 * (deleting a lock file races with the next owner), and the operating system releases the lock if
 * the process dies.
 *
 * <p><b>Thread safety:</b> {@link #close()} may be called from any thread.
 */
final class DataDirectoryLock implements AutoCloseable {
  static final String FILE_NAME = "opampfleet.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks a data directory.
   *
   * @throws IllegalStateException if another process, or another {@link Database} in this one,
   *     holds it
   */
  static DataDirectoryLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the lock file " + file + ": " + e, e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        throw inUse(dataDir, " (it is already open in this process)");
      }
      if (lock == null) {
        throw inUse(dataDir, owner(file));
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      channel.force(false);
      return new DataDirectoryLock(channel, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel, e);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot lock " + file + ": " + io, io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Returns the error for a data directory that another process or database holds. */
  static IllegalStateException inUse(Path dataDir, String detail) {
    return new IllegalStateException(
        "the data directory "
            + dataDir
            + " is in use by another OpAMP Fleet process"
            + detail
            + "; stop it, or give this one its own data directory");
  }

  /** Releases the lock. Idempotent. */
  @Override
  public void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      lock.release();
    } catch (IOException e) {
      // The channel's close below releases it as well.
    } finally {
      closeQuietly(channel, null);
    }
  }

  private static String owner(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return pid.matches("[0-9]{1,19}") ? " (process id " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void closeQuietly(FileChannel channel, @Nullable Exception primary) {
    try {
      channel.close();
    } catch (IOException e) {
      if (primary != null) {
        primary.addSuppressed(e);
      }
    }
  }
}
