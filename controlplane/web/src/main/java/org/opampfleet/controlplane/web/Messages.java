/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.util.regex.Pattern;

/**
 * Groups agent-reported error messages that differ only in details (UI guide 2.4.2): UIDs, host
 * addresses and numbers are masked so "connection refused to 10.0.3.7:4317" from many agents reads
 * as one problem.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class Messages {
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern ADDRESS =
      Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b|\\[[0-9a-fA-F:]+\\](:\\d+)?");
  private static final Pattern NUMBER = Pattern.compile("\\b\\d+\\b");

  private Messages() {}

  /** Returns the message with UIDs, addresses and numbers masked, trimmed to 300 characters. */
  static String normalise(String message) {
    String out = UUID.matcher(message).replaceAll("<uid>");
    out = ADDRESS.matcher(out).replaceAll("<address>");
    out = NUMBER.matcher(out).replaceAll("<n>");
    out = out.strip();
    return out.length() > 300 ? out.substring(0, 300) + "…" : out;
  }
}
