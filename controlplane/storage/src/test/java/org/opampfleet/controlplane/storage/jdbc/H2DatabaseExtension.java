/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens an H2 file database, the production default, in a new data directory for one test class,
 * and deletes the directory afterwards. Register it in a static field with {@code
 * RegisterExtension}.
 */
final class H2DatabaseExtension implements TestDatabase, BeforeAllCallback, AfterAllCallback {
  private @Nullable Path dataDir;
  private @Nullable Database database;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("opampfleet-h2-");
    database = Database.h2(dataDir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (database != null) {
      database.close();
    }
    if (dataDir != null) {
      deleteRecursively(dataDir);
    }
  }

  @Override
  public Database database() {
    if (database == null) {
      throw new IllegalStateException("register H2DatabaseExtension in a static field");
    }
    return database;
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
