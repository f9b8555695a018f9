/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The collector as an operating-system process: starting it with the supervisor's command line,
 * capturing its output ({@code agent.log} with rotation, or passthrough, and an in-memory tail for
 * crash reports), signalling it (SIGHUP reload, SIGTERM then SIGKILL stop), the restart backoff and
 * crash-loop detection, and the short commands the supervisor runs ({@code validate}, {@code
 * components}, {@code featuregate}).
 */
@NullMarked
package org.opampfleet.supervisor.process;

import org.jspecify.annotations.NullMarked;
