/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The control plane's REST API ({@code /api/v1}) and server-rendered web UI, served by one {@link
 * org.opampfleet.controlplane.web.WebServer}.
 */
@NullMarked
package org.opampfleet.controlplane.web;

import org.jspecify.annotations.NullMarked;
