/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.opampfleet.controlplane.auth.ApiTokens;

/**
 * Creates the first admin API token on a fresh data directory: stored hashed in the database,
 * written in clear to {@code <data-dir>/admin-token} readable by the owner only, and printed once.
 *
 * <p><b>Thread safety:</b> call once, at start-up.
 */
final class AdminToken {
  static final String FILE_NAME = "admin-token";

  private AdminToken() {}

  /**
   * Creates the token if no token exists yet.
   *
   * @return the path of the written file, if a token was created
   */
  static Optional<Path> createIfNone(ApiTokens tokens, Path dataDir, PrintStream console)
      throws IOException {
    if (!tokens.isEmpty()) {
      return Optional.empty();
    }
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    ApiTokens.Created created = tokens.create("admin");
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): the file inherits the directory's permissions.
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(
          "cannot create " + file + ": it was created by someone else meanwhile", e);
    }
    Files.writeString(file, created.secret() + "\n", StandardCharsets.UTF_8);
    console.println();
    console.println("  An admin API token was created for this new data directory:");
    console.println();
    console.println("      " + created.secret());
    console.println();
    console.println(
        "  It is shown only this once and saved to " + file.toAbsolutePath().normalize());
    console.println(
        "  (readable by you only). Use it to sign in to the web UI, and with the REST API as");
    console.println("  'Authorization: Bearer <token>'.");
    console.println();
    return Optional.of(file);
  }
}
