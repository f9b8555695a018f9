/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A second process for {@link DatabaseIT}: opens a data directory, prints {@code ready}, and holds
 * it until its standard input closes.
 *
 * <p>Arguments: {@code database DIR} opens it as the control plane does ({@link Database#h2});
 * {@code h2-file DIR} opens only the H2 file, as an H2 console would.
 */
final class DataDirectoryHolder {
  private DataDirectoryHolder() {}

  public static void main(String[] args) throws IOException, SQLException {
    Path dataDir = Path.of(args[1]);
    if (args[0].equals("database")) {
      try (Database database = Database.h2(dataDir)) {
        holdUntilStdinCloses(database.toString());
      }
    } else {
      String url = "jdbc:h2:file:" + dataDir.resolve(Database.H2_FILE_NAME).toAbsolutePath();
      try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
        holdUntilStdinCloses(connection.getMetaData().getURL());
      }
    }
  }

  private static void holdUntilStdinCloses(String what) throws IOException {
    System.out.println("ready " + what);
    System.out.flush();
    InputStream in = System.in;
    while (in.read() != -1) {
      // Holding the data directory.
    }
  }
}
