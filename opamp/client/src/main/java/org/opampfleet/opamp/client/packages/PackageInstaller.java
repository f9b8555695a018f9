/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.packages;

import java.io.IOException;
import java.nio.file.Path;
import org.opampfleet.opamp.protocol.PackageAvailable;

/**
 * Installs and removes packages for {@link DownloadingPackageSyncer}: the agent-specific step after
 * a download was verified (PK-14), such as unpacking an archive or restarting a plugin.
 *
 * <p><b>Thread safety:</b> implementations must be thread-safe; the syncer calls them from the JDK
 * HttpClient's executor, one package at a time.
 */
public interface PackageInstaller {

  /**
   * Installs a package from a verified file.
   *
   * @param name the package name
   * @param offer what the server offered
   * @param verifiedFile the downloaded file, whose SHA-256 (and signature, when a verifier is
   *     configured) matched; the syncer keeps it in its store after this call
   * @throws IOException if installing failed; the package's status becomes {@code InstallFailed}
   */
  void install(String name, PackageAvailable offer, Path verifiedFile) throws IOException;

  /**
   * Removes a package that the server installed earlier and no longer offers (PK-12).
   *
   * @throws IOException if removing failed; the package then stays reported as installed
   */
  void remove(String name) throws IOException;

  /** Returns an installer that does nothing: the verified files in the store are the packages. */
  static PackageInstaller storeOnly() {
    return new PackageInstaller() {
      @Override
      public void install(String name, PackageAvailable offer, Path verifiedFile) {}

      @Override
      public void remove(String name) {}
    };
  }
}
