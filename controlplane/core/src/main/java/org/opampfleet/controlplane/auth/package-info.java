/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** API tokens: generation, hashing and verification. */
@NullMarked
package org.opampfleet.controlplane.auth;

import org.jspecify.annotations.NullMarked;
