/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.packages;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.PackagesAvailable;

/**
 * Brings the agent's packages in line with what the server offers: downloads, verifies and installs
 * offered packages, removes ones no longer offered, and reports package statuses (PK-10 to PK-24).
 * {@link DownloadingPackageSyncer} is the standard implementation.
 *
 * <p><b>Thread safety:</b> implementations must be thread-safe. The client calls {@link #sync} at
 * most once at a time: while a sync runs, the latest offer that arrives waits and the ones it
 * replaced are dropped (latest state wins).
 */
public interface PackageSyncer {

  /**
   * Returns the statuses of the packages the agent has now, including the last {@code
   * server_provided_all_packages_hash}. The client reports them from its first message on.
   */
  PackageStatuses statuses();

  /**
   * Starts bringing the packages in line with an offer and returns at once.
   *
   * @param offer the server's offer
   * @param statusSink receives every new version of the package statuses (the complete set each
   *     time, PK-16), from any thread; the client reports the latest
   * @return a future completed when the sync is over, whatever its outcome; per-package failures
   *     are reported as statuses, not as an exceptional completion
   */
  CompletableFuture<Void> sync(PackagesAvailable offer, Consumer<PackageStatuses> statusSink);
}
