/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

/**
 * How the body of a plain-HTTP request is encoded.
 *
 * <p>Responses are always accepted gzipped ({@code Accept-Encoding: gzip}) and their decompressed
 * size is bounded by the client's message limit (HT-L3), whatever this setting is.
 *
 * <p><b>Thread safety:</b> an enum; immutable and thread-safe.
 */
public enum Compression {
  /** The body is the serialized {@code AgentToServer} as is. */
  NONE,
  /** The body is gzipped and sent with {@code Content-Encoding: gzip} (HT-03). */
  GZIP
}
