/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

/**
 * Internal; not API; may change without notice. One status badge (UI guide 3.8): rendered by the
 * single {@code badge.jte} partial everywhere, so the same agent reads the same on every page.
 *
 * @param dim the dimension: {@code conn}, {@code health}, {@code config} or {@code drift}
 * @param status the state as its URL word, e.g. {@code failed}; a stable test hook
 * @param tone the severity token: {@code ok}, {@code info}, {@code warn}, {@code error}, {@code
 *     neutral}
 * @param icon the sprite symbol id, e.g. {@code i-error}
 * @param text what people read, e.g. {@code Failed v12}
 * @param title the tooltip: the reason and the time it was reported
 */
public record Badge(
    String dim, String status, String tone, String icon, String text, String title) {}
