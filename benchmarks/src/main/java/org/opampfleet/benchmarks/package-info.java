/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * JMH microbenchmarks of the hot code. Run them from the shaded jar: {@code java -jar
 * benchmarks/target/benchmarks.jar}; results and commands are kept in {@code docs/benchmarks.md}.
 */
package org.opampfleet.benchmarks;
