/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.config.ConfigProblem;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.status.AgentView;

/**
 * Internal; not API; may change without notice. The models the page templates render: plain
 * records, built by the UI routes.
 *
 * <p><b>Thread safety:</b> immutable records.
 */
public final class Pages {
  private Pages() {}

  /**
   * The frame around every page: navigation, live indicator, footer.
   *
   * @param title the page title
   * @param section the nav item to mark current: overview, agents, configs, rollouts, ...
   * @param user who is signed in; null on the login page
   * @param csrf the token forms and htmx writes carry
   * @param development the server runs without credentials
   * @param serverVersion the control plane's version
   * @param liveUrl the page's live-update stream; null for pages without one
   * @param now the server's clock
   */
  public record Frame(
      String title,
      String section,
      @Nullable String user,
      String csrf,
      boolean development,
      String serverVersion,
      @Nullable String liveUrl,
      Instant now) {}

  /** A link in a list of tabs. */
  public record Tab(String id, String label, String href, boolean current) {}

  /** A key and a value. */
  public record Entry(String key, String value) {}

  /** A bar of a distribution, linking to the agents behind it. */
  public record Bar(String label, int count, int percent, String href) {}

  /** A grouped problem on the overview. */
  public record Attention(
      String tone, String icon, int count, String reason, String message, String href) {}

  /** One line of recent activity. */
  public record Activity(Instant time, String text, @Nullable String href) {}

  /** The fleet overview. */
  public record Overview(
      int total,
      Map<String, Integer> connection,
      Map<String, Integer> health,
      Map<String, Integer> config,
      Map<String, Integer> drift,
      int disconnectedOverDay,
      List<Attention> attention,
      List<Activity> activity,
      List<Bar> versions,
      List<Bar> configurations,
      List<Bar> transports,
      Instant asOf,
      String uptime,
      String opampEndpoint,
      String serverVersion) {}

  /** A filter option (chip) of the agents page. */
  public record Option(String value, String text, boolean checked) {}

  /** A group of filter options. */
  public record Facet(String param, String label, List<Option> options) {}

  /** An active filter that can be removed. */
  public record Chip(String text, String removeHref) {}

  /** The agents list. */
  public record Agents(
      List<AgentRow> rows,
      int total,
      int fleetTotal,
      int stale,
      int failed,
      String sortLabel,
      String q,
      String selector,
      @Nullable String selectorError,
      int selectorColumn,
      List<Facet> facets,
      List<String> configNames,
      String config,
      String sort,
      String order,
      int limit,
      List<Chip> chips,
      List<String> notices,
      int offset,
      @Nullable String nextHref,
      @Nullable String firstHref,
      @Nullable String previousHref,
      @Nullable String lastHref,
      String refreshHref,
      String opampEndpoint,
      @Nullable String fixedConfig) {}

  /** A capability and whether the agent reported it. */
  public record Capability(String name, boolean supported) {}

  /** A node of the component health tree. */
  public record HealthNode(
      String name,
      String state,
      String tone,
      String icon,
      String status,
      String lastError,
      @Nullable Instant startTime,
      @Nullable Instant statusTime,
      boolean open,
      List<HealthNode> children) {}

  /** A component an agent reported as available. */
  public record Component(
      String kind, String type, String details, boolean inDesired, boolean inEffective) {}

  /** One agent's page; parts are filled for the tab shown. */
  public record Agent(
      AgentView view,
      AgentRow row,
      String tab,
      List<Tab> tabs,
      List<Entry> identifying,
      List<Entry> nonIdentifying,
      List<Entry> labels,
      String labelsText,
      @Nullable String labelsError,
      @Nullable String labelsWarning,
      List<Capability> capabilities,
      List<AgentEvent> events,
      boolean canRestart,
      String restartReason,
      boolean canDelete,
      String assignment,
      List<String> otherMatches,
      List<String> configNames,
      String direct,
      String viewMode,
      List<String> files,
      String file,
      boolean normalise,
      boolean reveal,
      String desiredText,
      String effectiveText,
      @Nullable DiffView diff,
      @Nullable HealthNode health,
      boolean onlyProblems,
      List<Component> components,
      @Nullable String olderHref,
      String types,
      @Nullable String notice,
      Instant now) {}

  /** A row of the configurations list. */
  public record ConfigRow(
      String name,
      String selector,
      int priority,
      ConfigVersion latest,
      int matching,
      int connected,
      Map<String, Integer> status,
      int drifted,
      int shadowed) {}

  /** The configurations list. */
  public record Configs(List<ConfigRow> rows, String q, String sort, Instant now) {}

  /** A failure group: agents that failed with the same (normalised) message. */
  public record FailureGroup(String message, int count, @Nullable Instant firstSeen, String href) {}

  /** A row of the versions table. */
  public record VersionRow(ConfigVersion version, int added, int removed, int runningNow) {}

  /** A stuck agent. */
  public record Stuck(String uid, String name, String reason) {}

  /** A configuration's page; parts are filled for the tab shown. */
  public record Config(
      ConfigVersion latest,
      String tab,
      List<Tab> tabs,
      int matching,
      int connected,
      Map<String, Integer> status,
      int pendingConnected,
      int pendingOffline,
      Map<String, Integer> notOnLatest,
      List<FailureGroup> failures,
      List<Stuck> stuck,
      List<VersionRow> versions,
      @Nullable ConfigVersion shown,
      @Nullable DiffView diff,
      int from,
      int to,
      String viewMode,
      String context,
      @Nullable Agents agents,
      @Nullable Integer heartbeatSeconds,
      List<Destination> destinations,
      String fallback,
      @Nullable String notice,
      @Nullable String error,
      Instant now) {}

  /** An own-telemetry destination in the settings form; header values are masked. */
  public record Destination(String signal, String label, String endpoint, String headers) {}

  /** A file in the editor. */
  public record EditFile(int index, String name, String body, List<ConfigProblem> problems) {}

  /** The configuration editor, its review step and its conflict view. */
  public record Edit(
      String mode,
      String name,
      boolean isNew,
      int baseVersion,
      String selector,
      int priority,
      String note,
      List<EditFile> files,
      List<ConfigProblem> errors,
      List<ConfigProblem> warnings,
      @Nullable String error,
      @Nullable DiffView review,
      int reach,
      int reachConnected,
      int many,
      @Nullable ConfigVersion theirs,
      @Nullable DiffView theirsDiff,
      @Nullable DiffView yoursDiff) {}

  /** A selector preview under a selector input. */
  public record Preview(
      String selector,
      @Nullable String error,
      int column,
      int count,
      int connected,
      int total,
      List<Entry> samples,
      List<Entry> resolution,
      List<String> overlaps) {}
}
