/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem detail: what went wrong, for people ({@code title}, {@code detail}) and for
 * programs ({@code type}, {@code status}, extension members).
 *
 * @param type a URI naming the kind of problem, {@code urn:opampfleet:problem:<slug>}
 * @param title a short summary that is the same for every problem of this type
 * @param status the HTTP status
 * @param detail this occurrence, in words a person understands
 * @param extensions extra members, e.g. {@code errors} with line and column
 */
record Problem(
    String type, String title, int status, String detail, Map<String, Object> extensions) {

  static final String TYPE_PREFIX = "urn:opampfleet:problem:";

  Problem {
    extensions = Map.copyOf(extensions);
  }

  static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_PREFIX + slug, title, status, detail, Map.of());
  }

  Problem with(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(key, value);
    return new Problem(type, title, status, detail, more);
  }

  /** Returns the JSON members, standard ones first. */
  Map<String, Object> toJson(String instance) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", type);
    json.put("title", title);
    json.put("status", status);
    json.put("detail", detail);
    json.put("instance", instance);
    json.putAll(extensions);
    return json;
  }
}
