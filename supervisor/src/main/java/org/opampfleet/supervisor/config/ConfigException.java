/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

/**
 * A supervisor configuration that cannot be used. The message names the key (with {@code ::} as the
 * path separator, as the Go supervisor's messages do), the value and what was expected.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the key, the value and the expectation. */
  public ConfigException(String message) {
    super(message);
  }

  /** Creates the exception with a cause. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
