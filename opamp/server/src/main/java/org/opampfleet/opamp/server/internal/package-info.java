/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Internal; not API; may change without notice. The OpAMP server engine's implementation. */
package org.opampfleet.opamp.server.internal;
