/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The supervisor's storage directory: created with mode 0700, files written atomically with mode
 * 0600 so that a crash or power cut never leaves a half-written file.
 *
 * <p><b>Thread safety:</b> thread-safe; concurrent writes of the same file end with one of them
 * whole.
 */
public final class StorageDirectory {
  /** The collector configuration the supervisor composes. */
  public static final String EFFECTIVE_CONFIG = "effective.yaml";

  /** The collector's output when it is not passed through. */
  public static final String AGENT_LOG = "agent.log";

  private static final Set<PosixFilePermission> FILE_MODE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final Path directory;

  private StorageDirectory(Path directory) {
    this.directory = directory;
  }

  /**
   * Opens the directory, creating it (mode 0700) if needed.
   *
   * @throws UncheckedIOException if it cannot be created or is not a writable directory; the
   *     message names the path
   */
  public static StorageDirectory open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(dir)) {
        try {
          Files.createDirectories(
              dir,
              PosixFilePermissions.asFileAttribute(
                  EnumSet.of(
                      PosixFilePermission.OWNER_READ,
                      PosixFilePermission.OWNER_WRITE,
                      PosixFilePermission.OWNER_EXECUTE)));
        } catch (UnsupportedOperationException e) {
          Files.createDirectories(dir);
        }
      }
    } catch (FileAlreadyExistsException e) {
      throw new UncheckedIOException(
          "storage::directory " + dir + " exists and is not a directory", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create storage::directory " + dir + ": " + e.getMessage(), e);
    }
    if (!Files.isWritable(dir)) {
      throw new UncheckedIOException(
          new IOException("storage::directory " + dir + " is not writable by this user"));
    }
    return new StorageDirectory(dir);
  }

  /** Returns the directory. */
  public Path path() {
    return directory;
  }

  /** Returns the path of a file in the directory. */
  public Path resolve(String name) {
    return directory.resolve(name);
  }

  /** Reads a file's bytes, or empty if it does not exist. */
  public Optional<byte[]> read(String name) {
    try {
      return Optional.of(Files.readAllBytes(directory.resolve(name)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory.resolve(name) + ": " + e, e);
    }
  }

  /** Reads a UTF-8 text file, or empty if it does not exist. */
  public Optional<String> readText(String name) {
    return read(name).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  /** Writes a file atomically with mode 0600. */
  public void write(String name, byte[] content) {
    writeAtomically(directory.resolve(name), content);
  }

  /** Writes a UTF-8 text file atomically with mode 0600. */
  public void writeText(String name, String content) {
    write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes a file if it exists. */
  public void delete(String name) {
    try {
      Files.deleteIfExists(directory.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory.resolve(name) + ": " + e, e);
    }
  }

  /**
   * Writes {@code content} to {@code target} through a temporary file in the same directory: write,
   * fsync, rename over the target, fsync the directory.
   */
  public static void writeAtomically(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              EnumSet.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE))) {
        try {
          Files.setPosixFilePermissions(temp, FILE_MODE);
        } catch (UnsupportedOperationException e) {
          // Not a POSIX file system (Windows): the directory's ACL applies.
        }
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
        dirChannel.force(true);
      } catch (IOException e) {
        // Some platforms cannot open a directory for fsync; the rename is still atomic.
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
