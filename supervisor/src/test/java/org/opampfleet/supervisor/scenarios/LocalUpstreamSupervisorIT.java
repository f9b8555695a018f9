/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

/**
 * {@link SupervisorScenarios} against {@link ScriptedUpstream}, our server library standing in for
 * the control plane.
 */
class LocalUpstreamSupervisorIT extends SupervisorScenarios {
  @Override
  protected UpstreamFixture createUpstream() {
    return new ScriptedUpstream();
  }
}
