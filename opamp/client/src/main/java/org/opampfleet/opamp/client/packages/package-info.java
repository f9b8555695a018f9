/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Package synchronisation for the OpAMP client: the {@link
 * org.opampfleet.opamp.client.packages.PackageSyncer} contract and {@link
 * org.opampfleet.opamp.client.packages.DownloadingPackageSyncer}, which downloads offered packages
 * with the JDK HttpClient, verifies their SHA-256 and optional signature, installs them through a
 * {@link org.opampfleet.opamp.client.packages.PackageInstaller} and reports their statuses.
 *
 * <p>Every type here is thread-safe unless its documentation says otherwise.
 */
package org.opampfleet.opamp.client.packages;
