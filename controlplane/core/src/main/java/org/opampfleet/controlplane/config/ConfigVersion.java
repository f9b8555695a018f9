/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One immutable version of a named configuration.
 *
 * @param name the configuration's name
 * @param version 1, 2, …
 * @param selector the label selector, as written
 * @param priority which configuration wins when several match an agent (higher wins)
 * @param files file name to YAML text
 * @param hash the {@code config_hash}, lower-case hex ({@link ConfigHashes})
 * @param createdAt when it was saved
 * @param author who saved it
 * @param note the change note; empty if none
 */
public record ConfigVersion(
    String name,
    int version,
    String selector,
    int priority,
    Map<String, String> files,
    String hash,
    Instant createdAt,
    String author,
    String note) {

  /** Validates and copies. */
  public ConfigVersion {
    requireNonNull(name, "name");
    requireNonNull(selector, "selector");
    files = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(files, "files")));
    requireNonNull(hash, "hash");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(author, "author");
    requireNonNull(note, "note");
  }

  /** Returns {@code name v<version>}, e.g. {@code checkout-prod v12}. */
  public String label() {
    return name + " v" + version;
  }
}
