/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

/**
 * What the UI tells people about the server it runs in: the footer and the "connect an agent"
 * snippets.
 *
 * @param version the control plane's version, e.g. {@code 0.3.0}
 * @param opampEndpoint the URL agents connect to, e.g. {@code
 *     ws://fleet.example.com:4320/v1/opamp}; shown in the connection snippets
 */
public record ServerInfo(String version, String opampEndpoint) {

  /** Validates the fields. */
  public ServerInfo {
    requireNonNull(version, "version");
    requireNonNull(opampEndpoint, "opampEndpoint");
  }

  /** Returns placeholder information, for tests and embedded use. */
  public static ServerInfo unknown() {
    return new ServerInfo("dev", "ws://localhost:4320/v1/opamp");
  }
}
