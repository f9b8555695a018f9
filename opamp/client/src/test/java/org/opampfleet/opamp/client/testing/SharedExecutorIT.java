/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.client.ConnectionState;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Many clients on one scheduler and one JDK HttpClient: the threads they add do not grow with the
 * number of clients, and they all work (a load generator's setup).
 */
class SharedExecutorIT {

  @Test
  void runsFortyClientsOnTwoSchedulerThreadsAndOneHttpClient() throws Exception {
    try (FakeOpampServer server = FakeOpampServer.start()) {
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);
      HttpClient shared = HttpClient.newBuilder().executor(scheduler).build();
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      List<OpampClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 40; i++) {
          Transport transport = i % 2 == 0 ? Transport.WEBSOCKET : Transport.HTTP;
          OpampClient client =
              OpampClient.builder()
                  .serverUri(server.uri(transport))
                  .instanceUid(InstanceUid.generate())
                  .agentDescription(OpampClientContract.DESCRIPTION)
                  .capabilities(EnumSet.of(AgentCapability.REPORTS_HEALTH))
                  .callbacks(new RecordingCallbacks())
                  .executor(scheduler)
                  .httpClient(shared)
                  .pollingInterval(Duration.ofMillis(200))
                  .build();
          clients.add(client);
          client.start();
        }
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    clients.stream()
                        .allMatch(client -> client.connectionState() == ConnectionState.CONNECTED));
        clients.forEach(client -> client.setHealth(OpampClientContract.HEALTHY));
        await().atMost(Duration.ofSeconds(15)).until(() -> agentsWithHealth(server) == 40);

        // The clients added only the shared scheduler's two threads: no thread per client, no
        // HttpClient selector per client. (The fake server's own Netty threads and the test's
        // Awaitility poller do not count.)
        List<String> added =
            Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .filter(name -> !name.contains("EventLoop") && !name.contains("EventExecutor"))
                .filter(name -> !name.startsWith("awaitility"))
                .toList();
        assertThat(added).hasSizeLessThanOrEqualTo(2).allMatch(name -> name.startsWith("pool-"));
        assertThat(Thread.getAllStackTraces().keySet())
            .extracting(Thread::getName)
            .noneMatch(name -> name.startsWith("opamp-client-"))
            .filteredOn(name -> name.startsWith("HttpClient-") && name.endsWith("SelectorManager"))
            .hasSizeLessThanOrEqualTo(1 + selectorsBefore(before));
      } finally {
        clients.forEach(client -> client.stopAsync());
        for (OpampClient client : clients) {
          client.stopAsync().get();
        }
        scheduler.shutdownNow();
      }
      assertThat(server.received().stream().filter(AgentToServer::hasAgentDisconnect).count())
          .isEqualTo(40);
    }
  }

  private static int selectorsBefore(Set<Thread> before) {
    return (int)
        before.stream()
            .map(Thread::getName)
            .filter(name -> name.startsWith("HttpClient-") && name.endsWith("SelectorManager"))
            .count();
  }

  private static int agentsWithHealth(FakeOpampServer server) {
    Set<ByteString> agents = new HashSet<>();
    for (AgentToServer message : server.received()) {
      if (message.hasHealth()) {
        agents.add(message.getInstanceUid());
      }
    }
    return agents.size();
  }
}
