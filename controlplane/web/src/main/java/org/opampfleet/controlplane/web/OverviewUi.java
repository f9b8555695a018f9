/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.status.AgentStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.controlplane.status.FleetSummary;
import org.opampfleet.controlplane.web.view.Pages;
import org.opampfleet.controlplane.web.view.StatusWords;

/**
 * The fleet overview, {@code /} (UI guide 2.1): status strip, grouped problems, recent activity,
 * distributions and the server strip; live.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class OverviewUi {
  static final String LIVE_URL = "/ui/events?view=overview";
  private static final int MAX_GROUPS = 8;

  private final UiKit kit;

  OverviewUi(UiKit kit) {
    this.kit = kit;
  }

  void page(Context ctx) {
    kit.page(
        ctx,
        200,
        "pages/overview.jte",
        "frame",
        kit.frame(ctx, "Fleet overview", "overview", LIVE_URL),
        "m",
        model());
  }

  LiveHub.View live() {
    return new LiveHub.View() {
      @Override
      public String key() {
        return "overview";
      }

      @Override
      public boolean isAffectedBy(LiveHub.Changes changes) {
        return !changes.isEmpty();
      }

      @Override
      public LiveHub.Update render(LiveHub.Changes changes) {
        String html = kit.templates().render("parts/overviewLive.jte", "m", model(), "oob", true);
        return new LiveHub.Update(html, "", null, "");
      }
    };
  }

  private record GroupKey(int rank, String kind, String config, String message) {}

  Pages.Overview model() {
    Instant now = kit.now();
    FleetSummary summary = kit.services().fleetView().summary();
    Map<GroupKey, int[]> groups = new LinkedHashMap<>();
    Map<String, int[]> versions = new LinkedHashMap<>();
    int disconnectedOverDay = 0;
    for (Agent agent : kit.services().inventory().all()) {
      AgentView view = kit.services().fleetView().view(agent);
      AgentStatus s = view.status();
      String config = s.desired() == null ? "" : s.desired().name();
      String label = s.desired() == null ? "" : s.desired().label();
      if (s.config() == ConfigStatus.FAILED) {
        String error = agent.remoteConfig() == null ? "" : agent.remoteConfig().errorMessage();
        count(groups, new GroupKey(1, "failed:" + label, config, Messages.normalise(error)));
      }
      if (s.health() == HealthStatus.UNHEALTHY && s.connection() != ConnectionStatus.DISCONNECTED) {
        count(groups, new GroupKey(2, "unhealthy", "", Messages.normalise(s.healthReason())));
      }
      if (s.config() == ConfigStatus.STUCK) {
        count(groups, new GroupKey(3, "stuck:" + label, config, ""));
      }
      if (s.connection() == ConnectionStatus.STALE) {
        count(groups, new GroupKey(4, "stale", "", ""));
      }
      if (s.health() == HealthStatus.DEGRADED && s.connection() != ConnectionStatus.DISCONNECTED) {
        count(groups, new GroupKey(6, "degraded", "", Messages.normalise(s.healthReason())));
      }
      if (s.connection() == ConnectionStatus.DISCONNECTED
          && Duration.between(agent.lastSeen(), now).compareTo(Duration.ofHours(24)) > 0) {
        disconnectedOverDay++;
      }
      String type = agent.agentType().orElse("");
      String version = agent.agentVersion().orElse("");
      versions.computeIfAbsent(type + "\u0000" + version, k -> new int[1])[0]++;
    }
    List<Map.Entry<GroupKey, int[]>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort(
        Comparator.comparingInt((Map.Entry<GroupKey, int[]> e) -> e.getKey().rank())
            .thenComparing(e -> -e.getValue()[0]));
    List<Pages.Attention> attention = new ArrayList<>();
    for (Map.Entry<GroupKey, int[]> e : sorted) {
      if (attention.size() == MAX_GROUPS) {
        break;
      }
      attention.add(attention(e.getKey(), e.getValue()[0]));
    }
    return new Pages.Overview(
        summary.total(),
        words(summary.connection()),
        words(summary.health()),
        words(summary.config()),
        words(summary.drift()),
        disconnectedOverDay,
        attention,
        kit.activity().recent(15),
        versionBars(versions),
        bars(summary.configurations(), name -> "/agents?config=" + UiKit.encode(name)),
        bars(summary.transport(), name -> null),
        now,
        kit.uptime(),
        kit.info().opampEndpoint(),
        kit.info().version());
  }

  private static void count(Map<GroupKey, int[]> groups, GroupKey key) {
    groups.computeIfAbsent(key, k -> new int[1])[0]++;
  }

  private static Pages.Attention attention(GroupKey key, int n) {
    String config = UiKit.encode(key.config());
    String kind = key.kind();
    if (kind.startsWith("failed:")) {
      return new Pages.Attention(
          "error",
          "i-error",
          n,
          "failed to apply " + kind.substring("failed:".length()),
          key.message(),
          "/agents?cfgstatus=failed&config=" + config);
    }
    if (kind.startsWith("stuck:")) {
      return new Pages.Attention(
          "warn",
          "i-warn",
          n,
          "stuck applying " + kind.substring("stuck:".length()),
          "",
          "/agents?cfgstatus=stuck&config=" + config);
    }
    return switch (kind) {
      case "unhealthy" ->
          new Pages.Attention(
              "error", "i-error", n, "unhealthy", key.message(), "/agents?health=unhealthy");
      case "stale" ->
          new Pages.Attention(
              "warn", "i-stale", n, "stale: not heard from in time", "", "/agents?conn=stale");
      default ->
          new Pages.Attention(
              "warn", "i-warn", n, "degraded", key.message(), "/agents?health=degraded");
    };
  }

  private static <E extends Enum<E>> Map<String, Integer> words(Map<E, Integer> counts) {
    Map<String, Integer> out = new LinkedHashMap<>();
    counts.forEach((k, v) -> out.put(StatusWords.param(k), v));
    return out;
  }

  private static List<Pages.Bar> versionBars(Map<String, int[]> versions) {
    List<Map.Entry<String, int[]>> sorted = new ArrayList<>(versions.entrySet());
    sorted.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
    int max = sorted.isEmpty() ? 1 : sorted.get(0).getValue()[0];
    List<Pages.Bar> bars = new ArrayList<>();
    int other = 0;
    for (Map.Entry<String, int[]> e : sorted) {
      int n = e.getValue()[0];
      if (bars.size() == 8) {
        other += n;
        continue;
      }
      String[] parts = e.getKey().split("\u0000", -1);
      String label = (parts[0].isEmpty() ? "unknown type" : parts[0]) + " " + parts[1];
      String href =
          "/agents?"
              + (parts[0].isEmpty() ? "" : "type=" + UiKit.encode(parts[0]))
              + (parts[1].isEmpty() ? "" : "&version=" + UiKit.encode(parts[1]));
      bars.add(new Pages.Bar(label.trim(), n, percent(n, max), href));
    }
    if (other > 0) {
      bars.add(new Pages.Bar("other", other, percent(other, max), ""));
    }
    return bars;
  }

  private static List<Pages.Bar> bars(
      Map<String, Integer> counts, java.util.function.Function<String, @Nullable String> href) {
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    List<Pages.Bar> bars = new ArrayList<>();
    counts.forEach(
        (k, v) -> {
          String link = href.apply(k);
          bars.add(new Pages.Bar(k, v, percent(v, max), link == null ? "" : link));
        });
    return bars;
  }

  private static int percent(int n, int max) {
    return max == 0 ? 0 : Math.max(1, (int) Math.round(100.0 * n / max));
  }
}
