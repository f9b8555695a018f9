/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.status.AgentPage;
import org.opampfleet.controlplane.status.AgentQuery;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.DriftStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.controlplane.web.view.AgentRow;
import org.opampfleet.controlplane.web.view.Pages;
import org.opampfleet.controlplane.web.view.StatusWords;

/**
 * The agents list, {@code /agents} (UI guide 2.2), and the matching-agents tab of a configuration:
 * search, selector, facets, sort and keyset paging, all in the URL; live cells.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class AgentsUi {
  private final UiKit kit;

  AgentsUi(UiKit kit) {
    this.kit = kit;
  }

  /** The result of a list query. */
  record Result(Pages.Agents model, AgentQueryParams.Parsed parsed, AgentPage page) {}

  void page(Context ctx) {
    Map<String, List<String>> params = ctx.queryParamMap();
    Result result = model(params, "/agents", null);
    kit.page(
        ctx,
        200,
        "pages/agents.jte",
        "frame",
        kit.frame(ctx, "Agents", "agents", liveUrl(params, null)),
        "m",
        result.model());
  }

  /** Returns the live-update URL for a list with these parameters. */
  static String liveUrl(Map<String, List<String>> params, @Nullable String fixedConfig) {
    Map<String, List<String>> live = new LinkedHashMap<>();
    live.put("view", List.of(fixedConfig == null ? "agents" : "configagents"));
    if (fixedConfig != null) {
      live.put("name", List.of(fixedConfig));
    }
    params.forEach(
        (k, v) -> {
          if (!k.equals("view") && !k.equals("name")) {
            live.put(k, v);
          }
        });
    return "/ui/events" + UiKit.query(live);
  }

  Result model(Map<String, List<String>> params, String basePath, @Nullable String fixedConfig) {
    Map<String, List<String>> effective = new LinkedHashMap<>(params);
    effective.remove("view");
    effective.remove("name");
    if (fixedConfig != null) {
      effective.put("config", List.of(fixedConfig));
    }
    AgentQueryParams.Parsed parsed =
        AgentQueryParams.parse(name -> effective.getOrDefault(name, List.of()), effective.keySet());
    AgentQuery q = parsed.query();
    AgentPage page =
        parsed.matchesNothing() ? AgentPage.empty() : kit.services().fleetView().page(q);
    Instant now = kit.now();
    List<AgentRow> rows = new ArrayList<>();
    for (AgentView v : page.items()) {
      rows.add(AgentRow.of(v, now));
    }
    int stale = countWith(parsed, q.connection(), EnumSet.of(ConnectionStatus.STALE), true);
    int failed = countWith(parsed, q.configStatus(), EnumSet.of(ConfigStatus.FAILED), false);

    Map<String, List<String>> active = new LinkedHashMap<>(parsed.active());
    if (fixedConfig != null) {
      active.remove("config");
    }
    List<Pages.Facet> facets = new ArrayList<>();
    facets.add(facet("conn", "Connection", ConnectionStatus.values(), active, StatusWords::text));
    facets.add(facet("health", "Health", HealthStatus.values(), active, StatusWords::text));
    facets.add(
        facet("cfgstatus", "Config status", ConfigStatus.values(), active, StatusWords::text));
    if (fixedConfig == null) {
      facets.add(facet("drift", "Drift", DriftStatus.values(), active, StatusWords::text));
    }
    List<String> configNames = new ArrayList<>();
    for (ConfigService.Entry e : kit.services().configs().catalog()) {
      configNames.add(e.configuration().name());
    }
    List<Pages.Chip> chips = new ArrayList<>();
    active.forEach(
        (name, values) -> {
          if (name.equals("sort") || name.equals("order") || name.equals("limit")) {
            return;
          }
          for (String value : values) {
            Map<String, List<String>> without = copy(params);
            List<String> remaining = new ArrayList<>(without.getOrDefault(name, List.of()));
            remaining.removeIf(v -> v.equalsIgnoreCase(value));
            without.put(name, remaining);
            without.remove("after");
            chips.add(new Pages.Chip(chipText(name, value), basePath + UiKit.query(without)));
          }
        });
    String nextHref = null;
    if (page.nextCursor() != null) {
      Map<String, List<String>> next = copy(params);
      next.put("after", List.of(page.nextCursor()));
      nextHref = basePath + UiKit.query(next);
    }
    String firstHref = null;
    String previousHref = null;
    if (page.offset() > 0) {
      Map<String, List<String>> first = copy(params);
      first.remove("after");
      firstHref = basePath + UiKit.query(first);
      previousHref = firstHref;
      if (page.previousCursor() != null) {
        Map<String, List<String>> previous = copy(params);
        previous.put("after", List.of(page.previousCursor()));
        previousHref = basePath + UiKit.query(previous);
      }
    }
    String lastHref = null;
    if (page.lastCursor() != null) {
      Map<String, List<String>> last = copy(params);
      last.put("after", List.of(page.lastCursor()));
      lastHref = basePath + UiKit.query(last);
    }
    String sort = StatusWords.param(q.sort());
    Pages.Agents model =
        new Pages.Agents(
            rows,
            page.total(),
            kit.services().inventory().size(),
            stale,
            failed,
            switch (q.sort()) {
              case ATTENTION -> "attention";
              case NAME -> "name";
              case LAST_SEEN -> "last seen";
              case VERSION -> "version";
            },
            q.text(),
            parsed.userSelector(),
            parsed.selectorError() == null ? null : parsed.selectorError().getMessage(),
            parsed.selectorError() == null ? 0 : parsed.selectorError().column(),
            facets,
            configNames,
            fixedConfig != null ? fixedConfig : q.configName() == null ? "" : q.configName(),
            sort,
            q.descending() ? "desc" : "asc",
            q.limit(),
            chips,
            parsed.ignored().stream()
                .filter(s -> !s.startsWith("selector:"))
                .map(s -> "ignored " + s)
                .toList(),
            page.offset(),
            nextHref,
            firstHref,
            previousHref,
            lastHref,
            basePath + UiKit.query(params),
            kit.info().opampEndpoint(),
            fixedConfig);
    return new Result(model, parsed, page);
  }

  /** Returns the live view of a list. */
  LiveHub.View live(
      Map<String, List<String>> params, String basePath, @Nullable String fixedConfig) {
    Map<String, List<String>> canonical = new TreeMap<>(params);
    String key = "agents:" + basePath + ":" + canonical;
    return new LiveHub.View() {
      @Override
      public String key() {
        return key;
      }

      @Override
      public boolean isAffectedBy(LiveHub.Changes changes) {
        return changes.anyAgent() || !changes.configs().isEmpty();
      }

      @Override
      public LiveHub.Update render(LiveHub.Changes changes) {
        Result result = model(params, basePath, fixedConfig);
        Instant now = kit.now();
        StringBuilder rowPatches = new StringBuilder();
        List<String> uids = new ArrayList<>();
        for (AgentRow row : result.model().rows()) {
          uids.add(row.uid());
          if (changes.overflow()
              || !changes.configs().isEmpty()
              || changes.agents().stream().anyMatch(u -> u.toString().equals(row.uid()))) {
            rowPatches.append(
                kit.templates().render("parts/agentRow.jte", "row", row, "oob", true, "now", now));
          }
        }
        String regions =
            kit.templates().render("parts/agentsSummary.jte", "m", result.model(), "oob", true);
        String notice =
            kit.templates()
                .render("parts/livePill.jte", "href", result.model().refreshHref(), "oob", true);
        return new LiveHub.Update(regions, rowPatches.toString(), uids, notice);
      }
    };
  }

  /** Returns the UIDs a list shows now: the baseline for its live updates. */
  List<String> rows(
      Map<String, List<String>> params, String basePath, @Nullable String fixedConfig) {
    List<String> uids = new ArrayList<>();
    model(params, basePath, fixedConfig).model().rows().forEach(r -> uids.add(r.uid()));
    return uids;
  }

  private <E extends Enum<E>> int countWith(
      AgentQueryParams.Parsed parsed, Set<E> current, EnumSet<E> only, boolean connection) {
    if (parsed.matchesNothing()) {
      return 0;
    }
    EnumSet<E> wanted = EnumSet.copyOf(only);
    if (!current.isEmpty()) {
      wanted.retainAll(current);
      if (wanted.isEmpty()) {
        return 0;
      }
    }
    AgentQuery q = parsed.query();
    @SuppressWarnings("unchecked")
    AgentQuery counting =
        new AgentQuery(
            q.selector(),
            connection ? (Set<ConnectionStatus>) (Set<?>) wanted : q.connection(),
            q.health(),
            connection ? q.configStatus() : (Set<ConfigStatus>) (Set<?>) wanted,
            q.configName(),
            q.text(),
            q.sort(),
            q.descending(),
            1,
            null);
    return kit.services().fleetView().page(counting).total();
  }

  private static <E extends Enum<E>> Pages.Facet facet(
      String param,
      String label,
      E[] values,
      Map<String, List<String>> active,
      java.util.function.Function<E, String> text) {
    List<String> checked = active.getOrDefault(param, List.of());
    List<Pages.Option> options = new ArrayList<>();
    for (E value : values) {
      String word = StatusWords.param(value);
      options.add(new Pages.Option(word, text.apply(value), checked.contains(word)));
    }
    return new Pages.Facet(param, label, options);
  }

  private static String chipText(String name, String value) {
    return switch (name) {
      case "q" -> "search: " + value;
      case "cfgstatus" -> "config status: " + value;
      case "conn" -> "connection: " + value;
      default -> name + ": " + value;
    };
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> params) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }
}
