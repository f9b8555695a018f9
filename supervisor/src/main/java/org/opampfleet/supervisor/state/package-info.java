/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * What the supervisor keeps on disk in {@code storage.directory}: the same file names and formats
 * as the Go supervisor ({@code persistent_state.yaml}, {@code effective.yaml}, the {@code .dat}
 * protobuf files), so a storage directory moves between the two in both directions, plus a few
 * files of ours. Every file is written atomically (temporary file, fsync, rename) with mode 0600.
 */
@NullMarked
package org.opampfleet.supervisor.state;

import org.jspecify.annotations.NullMarked;
