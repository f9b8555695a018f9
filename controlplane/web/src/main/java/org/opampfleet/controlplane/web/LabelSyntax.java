/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes label syntax for server-side agent labels: keys are an optional DNS-subdomain prefix
 * and a name of up to 63 characters; values are up to 63 characters, possibly empty. Keeping to it
 * means every label can be used in a selector without quoting.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class LabelSyntax {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern PREFIX =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private LabelSyntax() {}

  /** Returns what is wrong with a label key, if anything. */
  static Optional<String> checkKey(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !PREFIX.matcher(prefix).matches()) {
        return Optional.of(
            "label key \""
                + key
                + "\": the prefix before '/' must be a DNS subdomain such as example.com");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
      return Optional.of(
          "label key \""
              + key
              + "\" is not allowed (expected: up to 63 letters, digits, '-', '_' and '.',"
              + " starting and ending with a letter or digit)");
    }
    return Optional.empty();
  }

  /** Returns what is wrong with a label value, if anything. */
  static Optional<String> checkValue(String key, String value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > 63 || !NAME.matcher(value).matches()) {
      return Optional.of(
          "value of label \""
              + key
              + "\" is not allowed (expected: empty, or up to 63 letters, digits, '-', '_' and"
              + " '.', starting and ending with a letter or digit)");
    }
    return Optional.empty();
  }
}
