/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.opampfleet.opamp.client.OpampClient;

/**
 * Runs {@link OpampClientContract} against our own OpAMP server library over real sockets, both
 * transports: full-state recovery after a server restart, status compression, heartbeats, every
 * callback, the connection-settings switch and its fallback, server-assigned UIDs.
 */
class OurServerClientIT implements OpampClientContract {
  private OurOpampServer server;
  private final List<OpampClient> clients = new ArrayList<>();

  @BeforeEach
  void startServer() {
    server = OurOpampServer.start();
  }

  @AfterEach
  void stopEverything() {
    stopClients();
    server.close();
  }

  @Override
  public OpampServerFixture server() {
    return server;
  }

  @Override
  public List<OpampClient> clients() {
    return clients;
  }
}
