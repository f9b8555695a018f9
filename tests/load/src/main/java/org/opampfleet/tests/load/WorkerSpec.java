/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

/**
 * What a worker process is given when it starts: the run's options and its own share.
 *
 * @param options the run's options
 * @param plan the worker's share
 */
record WorkerSpec(LoadOptions options, WorkerPlan plan) {}
