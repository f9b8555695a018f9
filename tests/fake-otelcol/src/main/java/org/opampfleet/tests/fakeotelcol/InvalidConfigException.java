/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

/** A configuration the collector refuses; the message reads like the real collector's. */
final class InvalidConfigException extends RuntimeException {
  InvalidConfigException(String message) {
    super(message);
  }
}
