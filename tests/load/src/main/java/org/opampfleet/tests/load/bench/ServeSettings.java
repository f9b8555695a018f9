/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a bench server or floor listens and admits agents.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param host the address to listen on
 * @param port the OpAMP port; 0 picks a free one
 * @param adminPort the admin port; 0 picks a free one
 * @param ioThreads event-loop threads
 * @param maxConnections the OpAMP transport's connection limit
 * @param acceptRate new connections admitted per second
 * @param acceptBurst new connections admitted at once
 * @param retryAfter the delay rejected agents are told to wait
 * @param idleTimeout how long an agent may stay silent
 * @param configBytes the size of a rollout's config unless the request says otherwise
 * @param registry what the bench application keeps of each agent's status
 */
public record ServeSettings(
    String host,
    int port,
    int adminPort,
    int ioThreads,
    int maxConnections,
    double acceptRate,
    int acceptBurst,
    Duration retryAfter,
    Duration idleTimeout,
    int configBytes,
    Registry registry) {

  /** What the bench application keeps of each agent's status. */
  public enum Registry {
    /** Description, health, effective config hash and remote config status: a control plane. */
    FULL,
    /**
     * Only the remote config status (for rollouts): measures the OpAMP library with the least an
     * application can keep.
     */
    MINIMAL
  }

  /** Validates. */
  public ServeSettings {
    requireNonNull(host, "host");
    requireNonNull(retryAfter, "retryAfter");
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(registry, "registry");
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
    }
  }

  /** Returns settings for tests: loopback, free ports, generous admission. */
  public static ServeSettings forTests() {
    return new ServeSettings(
        "127.0.0.1",
        0,
        0,
        2,
        100_000,
        100_000,
        100_000,
        Duration.ofSeconds(1),
        Duration.ofSeconds(75),
        1024,
        Registry.FULL);
  }
}
