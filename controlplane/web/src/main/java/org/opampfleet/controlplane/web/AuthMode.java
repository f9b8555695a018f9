/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

/** How the web server decides who may use it. */
public enum AuthMode {
  /**
   * Every API request carries {@code Authorization: Bearer <token>}; the UI asks for a token once
   * and keeps a server-side session (cookie).
   */
  TOKENS,
  /**
   * No credentials at all, for a developer's own machine. The server logs a loud warning at start
   * and every page shows a "development mode" banner. Never use it on a reachable address.
   */
  LOCAL_DEVELOPMENT
}
