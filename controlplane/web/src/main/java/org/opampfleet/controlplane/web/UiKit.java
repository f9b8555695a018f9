/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.web.view.Format;
import org.opampfleet.controlplane.web.view.Pages;

/**
 * What every UI page handler needs: the services, the templates, and the frame around pages.
 *
 * @param services the core services
 * @param commands changes with their follow-up
 * @param templates the compiled templates
 * @param info what the footer and snippets show
 * @param mode how people sign in
 * @param activity the overview's recent activity
 * @param startedAt when the server started, for the uptime
 */
record UiKit(
    WebServices services,
    FleetCommands commands,
    Templates templates,
    ServerInfo info,
    AuthMode mode,
    ActivityLog activity,
    Instant startedAt) {

  /** How many agents make a change need an explicit acknowledgement (UI guide 4.4). */
  static final int MANY_AGENTS = 50;

  Instant now() {
    return services.clock().instant();
  }

  String uptime() {
    return Format.duration(Duration.between(startedAt, now()));
  }

  Pages.Frame frame(Context ctx, String title, String section, @Nullable String liveUrl) {
    Principal p = AccessControl.principal(ctx);
    return new Pages.Frame(
        title,
        section,
        p == null ? null : p.name(),
        p == null || p.csrfToken() == null ? "" : p.csrfToken(),
        mode == AuthMode.LOCAL_DEVELOPMENT,
        info.version(),
        liveUrl,
        now());
  }

  /** Renders a full page into the response. */
  void page(Context ctx, int status, String template, @Nullable Object... params) {
    ctx.status(status).html(templates.render(template, params));
  }

  static boolean isHtmx(Context ctx) {
    return ctx.header("HX-Request") != null;
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** Builds a query string from name/values pairs, leaving out empty values. */
  static String query(Map<String, List<String>> params) {
    StringBuilder out = new StringBuilder();
    params.forEach(
        (name, values) -> {
          for (String v : values) {
            if (v == null || v.isEmpty()) {
              continue;
            }
            out.append(out.length() == 0 ? "?" : "&")
                .append(encode(name))
                .append('=')
                .append(encode(v));
          }
        });
    return out.toString();
  }
}
