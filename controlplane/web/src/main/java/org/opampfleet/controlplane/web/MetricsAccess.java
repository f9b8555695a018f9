/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

/** Who may read {@code GET /metrics}. */
public enum MetricsAccess {
  /**
   * Like the API: a bearer token (or a UI session), unless the server runs in local development.
   */
  TOKEN,
  /** Anyone who can reach the port, for Prometheus scrapers without credentials. */
  OPEN
}
