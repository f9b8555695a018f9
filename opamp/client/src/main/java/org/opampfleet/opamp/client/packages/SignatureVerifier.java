/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.packages;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Checks the signature of a downloaded package file before it is installed (PK-14). The signature
 * scheme is agent-specific; {@code DownloadableFile.signature} carries the signature, which may be
 * empty if the server sent none.
 *
 * <p><b>Thread safety:</b> implementations must be thread-safe; a package syncer may call them from
 * any thread.
 */
@FunctionalInterface
public interface SignatureVerifier {

  /**
   * Verifies a file whose SHA-256 already matched the offered {@code content_hash}.
   *
   * @param packageName the name of the package
   * @param file the downloaded file
   * @param signature {@code DownloadableFile.signature}; empty when the server sent none
   * @throws GeneralSecurityException if the signature is missing or does not verify; the package is
   *     then not installed and its status is {@code InstallFailed} with this message
   * @throws IOException if the file cannot be read
   */
  void verify(String packageName, Path file, ByteString signature)
      throws GeneralSecurityException, IOException;
}
