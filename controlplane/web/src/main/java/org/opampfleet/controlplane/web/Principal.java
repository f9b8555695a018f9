/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import org.jspecify.annotations.Nullable;

/**
 * Who made a request and how they proved it.
 *
 * @param name shown in the UI and recorded as author, e.g. the token's name
 * @param via how the request was authenticated
 * @param csrfToken the token forms must carry; null for bearer requests, which need none
 * @param sessionId the UI session; null unless {@code via} is {@link Via#SESSION}
 */
record Principal(String name, Via via, @Nullable String csrfToken, @Nullable String sessionId) {

  /** How a request was authenticated. */
  enum Via {
    /** An {@code Authorization: Bearer} header. */
    BEARER,
    /** A UI session cookie. */
    SESSION,
    /** Nothing: the server runs in local development mode. */
    LOCAL_DEVELOPMENT
  }
}
