/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Test fixtures for the OpAMP client: a scriptable fake OpAMP server on Netty, recording callbacks
 * and the transport-neutral behaviour suite that any OpAMP server can be checked against.
 */
package org.opampfleet.opamp.client.testing;
