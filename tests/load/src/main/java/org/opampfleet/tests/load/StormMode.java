/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

/** How the storm scenario breaks the agents' connections. */
enum StormMode {
  /** Every agent closes its connection at the same moment and reconnects at once. */
  DROP,
  /** The generator asks the server to restart (the bench server's {@code POST /restart}). */
  SERVER_RESTART
}
