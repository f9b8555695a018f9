/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.delivery;

import org.opampfleet.controlplane.config.ConfigVersion;

/**
 * A configuration version to offer an agent.
 *
 * @param version the version; its files become the {@code AgentConfigMap} and its hash the {@code
 *     config_hash}
 */
public record RemoteConfigOffer(ConfigVersion version) {}
