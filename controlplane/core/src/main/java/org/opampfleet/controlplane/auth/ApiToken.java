/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.auth;

import java.time.Instant;

/**
 * A stored API token: only its hash is kept, never the token.
 *
 * @param id a short public identifier, shown in lists and logs
 * @param name what it is for, e.g. {@code admin} or {@code ci}
 * @param hash the SHA-256 of the token, lower-case hex
 * @param createdAt when it was created
 */
public record ApiToken(String id, String name, String hash, Instant createdAt) {}
