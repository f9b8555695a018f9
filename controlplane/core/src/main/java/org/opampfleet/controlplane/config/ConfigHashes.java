/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code config_hash} of a set of configuration files: SHA-256 over the files sorted by name,
 * each as the length-prefixed name, content type and body, so equal file sets always hash the same
 * and no two different sets collide in practice (RC-02).
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class ConfigHashes {
  private ConfigHashes() {}

  /** Returns the SHA-256 of the files, as 32 bytes. */
  public static byte[] of(Map<String, String> files) {
    MessageDigest digest = sha256();
    for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
      update(digest, file.getKey());
      update(digest, file.getValue());
    }
    return digest.digest();
  }

  /** Returns the hash of the files as lower-case hex. */
  public static String hex(Map<String, String> files) {
    return HexFormat.of().formatHex(of(files));
  }

  private static void update(MessageDigest digest, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
