/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import java.time.Instant;

/**
 * The last remote configuration the server offered an agent.
 *
 * @param configName the configuration's name
 * @param version its version
 * @param hash the offered {@code config_hash}, lower-case hex
 * @param offeredAt when the offer was handed to the transport
 */
public record ConfigOfferRecord(String configName, int version, String hash, Instant offeredAt) {}
