/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Internal; not API; may change without notice. What the jte templates render: page models, status
 * badges, diffs and formatting.
 */
@NullMarked
package org.opampfleet.controlplane.web.view;

import org.jspecify.annotations.NullMarked;
