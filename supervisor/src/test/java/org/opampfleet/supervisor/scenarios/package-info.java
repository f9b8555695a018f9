/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The supervisor's end-to-end scenarios with real processes on loopback: the supervisor jar, the
 * fake collector and an upstream OpAMP server behind {@link
 * org.opampfleet.supervisor.scenarios.UpstreamFixture}, so the same {@link
 * org.opampfleet.supervisor.scenarios.SupervisorScenarios} can run against the real control plane
 * ({@code tests/e2e}) by implementing that interface.
 */
@NullMarked
package org.opampfleet.supervisor.scenarios;

import org.jspecify.annotations.NullMarked;
