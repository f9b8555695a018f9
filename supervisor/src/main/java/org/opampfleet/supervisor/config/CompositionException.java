/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

/**
 * The collector configuration could not be composed, in practice because a remote config entry is
 * not valid YAML. The message is reported as the FAILED status's {@code error_message}.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class CompositionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message says which entry is wrong and why. */
  public CompositionException(String message, Throwable cause) {
    super(message, cause);
  }
}
