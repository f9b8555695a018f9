/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.protocol.wire;

import org.opampfleet.opamp.protocol.ServerCapabilities;

/**
 * A capability a server reports in {@code ServerToAgent.capabilities}.
 *
 * <p>The bits are those of the specification's {@code ServerCapabilities} enum; convert a whole
 * {@code ServerToAgent.capabilities} field with {@link #BITMASK}.
 */
public enum ServerCapability implements BitFlag {
  /** Accepts status reports; every server must set it (GEN-04). */
  ACCEPTS_STATUS(ServerCapabilities.ServerCapabilities_AcceptsStatus_VALUE),
  /** Offers remote configuration. */
  OFFERS_REMOTE_CONFIG(ServerCapabilities.ServerCapabilities_OffersRemoteConfig_VALUE),
  /** Accepts effective configuration reports. */
  ACCEPTS_EFFECTIVE_CONFIG(ServerCapabilities.ServerCapabilities_AcceptsEffectiveConfig_VALUE),
  /** Offers packages. */
  OFFERS_PACKAGES(ServerCapabilities.ServerCapabilities_OffersPackages_VALUE),
  /** Accepts package statuses. */
  ACCEPTS_PACKAGES_STATUS(ServerCapabilities.ServerCapabilities_AcceptsPackagesStatus_VALUE),
  /** Offers connection settings. */
  OFFERS_CONNECTION_SETTINGS(ServerCapabilities.ServerCapabilities_OffersConnectionSettings_VALUE),
  /** Accepts connection settings requests (the CSR flow). */
  ACCEPTS_CONNECTION_SETTINGS_REQUEST(
      ServerCapabilities.ServerCapabilities_AcceptsConnectionSettingsRequest_VALUE);

  /** Converts {@code ServerToAgent.capabilities} masks to and from sets of this enum. */
  public static final Bitmask<ServerCapability> BITMASK = Bitmask.of(ServerCapability.class);

  private final long bit;

  ServerCapability(long bit) {
    this.bit = bit;
  }

  @Override
  public long bit() {
    return bit;
  }
}
