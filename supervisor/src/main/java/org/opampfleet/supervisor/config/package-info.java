/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The supervisor's configuration: the YAML file ({@link
 * org.opampfleet.supervisor.config.SupervisorConfig}, keys and defaults of the Go supervisor plus
 * ours) and the collector configuration it composes ({@link
 * org.opampfleet.supervisor.config.EffectiveConfigComposer}, with the merge rules of {@link
 * org.opampfleet.supervisor.config.ConfigMerge}).
 */
@NullMarked
package org.opampfleet.supervisor.config;

import org.jspecify.annotations.NullMarked;
