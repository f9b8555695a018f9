/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Renders the jte templates of {@code src/main/jte}, compiled to classes at build time.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class Templates {
  static final String PACKAGE = "org.opampfleet.controlplane.web.template";

  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, Templates.class.getClassLoader(), PACKAGE);

  /** Renders a template with parameters given as name, value pairs. */
  String render(String template, @Nullable Object... nameValuePairs) {
    Map<String, Object> params = new HashMap<>();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      params.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
    }
    StringOutput out = new StringOutput();
    engine.render(template, params, out);
    return out.toString();
  }
}
