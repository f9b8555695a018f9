/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Internal; not API; may change without notice. The Netty pipeline of the OpAMP transport. */
package org.opampfleet.opamp.server.netty.internal;
