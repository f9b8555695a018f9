/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream side of the supervisor scenarios: an OpAMP server the supervisor connects to, and
 * what a test does with it. {@link ScriptedUpstream} implements it on our server library; the
 * control plane can implement it on its REST API to run {@link SupervisorScenarios} end to end.
 *
 * <p><b>Thread safety:</b> implementations are thread-safe (tests poll from their own thread while
 * the server works on its own).
 */
public interface UpstreamFixture extends AutoCloseable {

  /** Returns the OpAMP endpoint for the supervisor's {@code server.endpoint}. */
  String endpoint();

  /** Starts serving (again), on the same endpoint as before. */
  void start();

  /** Stops serving; connected agents are disconnected. {@link #start()} brings it back. */
  void stop();

  /** Returns the instance UIDs of every agent seen, in order of first contact. */
  List<String> agentIds();

  /** Returns what is known about an agent. */
  Optional<AgentView> agent(String instanceUid);

  /**
   * Makes {@code files} (config map entry name → YAML) the agent's remote configuration: it is
   * offered now if the agent is connected and again whenever it reports another hash (RC-03).
   *
   * @return the config hash in lower-case hex
   */
  String offerConfig(String instanceUid, Map<String, String> files);

  /** Sends the restart command (CM-02). */
  void restart(String instanceUid);

  /** Returns whether {@link #assignInstanceUid} is supported. */
  default boolean canAssignInstanceUid() {
    return false;
  }

  /** Gives the agent a new instance UID (UID-10); optional. */
  default void assignInstanceUid(String instanceUid, String newInstanceUid) {
    throw new UnsupportedOperationException("this upstream cannot assign instance UIDs");
  }

  /** Stops the server for good. */
  @Override
  void close();
}
