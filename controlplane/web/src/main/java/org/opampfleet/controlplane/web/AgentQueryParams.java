/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.config.SelectorParseException;
import org.opampfleet.controlplane.status.AgentQuery;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.DriftStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;
import org.opampfleet.controlplane.web.view.StatusWords;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Reads the agent-list query parameters shared by {@code GET /api/v1/agents} and the agents page
 * (UI guide 4.5) into an {@link AgentQuery}.
 *
 * <p>Facets the core query has no field for are translated: {@code type}, {@code version} and
 * {@code label.<key>} become selector clauses ({@code service.name}, {@code service.version},
 * {@code key}); {@code drift} becomes the remote-config states that derive it. Values that cannot
 * be used are collected in {@link Parsed#ignored()}: the API answers 400 with them, the UI shows
 * them as a notice.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class AgentQueryParams {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._/-]+");

  private AgentQueryParams() {}

  /**
   * The outcome of reading the parameters.
   *
   * @param query the query to run; its selector is the combination of the selector and facets
   * @param userSelector the {@code selector} parameter as given
   * @param selectorError why the selector does not parse; the query then ignores it
   * @param ignored a sentence per parameter value that could not be used
   * @param matchesNothing the filters contradict each other (e.g. {@code drift=insync} with {@code
   *     cfgstatus=failed}), so no agent can match
   * @param active the filters in effect, as parameter name to values, for chips and links
   */
  record Parsed(
      AgentQuery query,
      String userSelector,
      @Nullable SelectorParseException selectorError,
      List<String> ignored,
      boolean matchesNothing,
      Map<String, List<String>> active) {}

  /** Reads the parameters; {@code params} returns every value of a parameter (empty if none). */
  static Parsed parse(Function<String, List<String>> params, Set<String> names) {
    List<String> ignored = new ArrayList<>();
    Map<String, List<String>> active = new LinkedHashMap<>();

    Set<ConnectionStatus> conn =
        enums(ConnectionStatus.class, "conn", params, ignored, active, StatusWords::param);
    Set<HealthStatus> health =
        enums(HealthStatus.class, "health", params, ignored, active, StatusWords::param);
    Set<ConfigStatus> cfgStatus =
        enums(ConfigStatus.class, "cfgstatus", params, ignored, active, StatusWords::param);
    Set<DriftStatus> drift =
        enums(DriftStatus.class, "drift", params, ignored, active, StatusWords::param);

    boolean matchesNothing = false;
    if (!drift.isEmpty()) {
      EnumSet<ConfigStatus> fromDrift = EnumSet.noneOf(ConfigStatus.class);
      for (DriftStatus d : drift) {
        fromDrift.addAll(configStatesFor(d));
      }
      if (cfgStatus.isEmpty()) {
        cfgStatus = fromDrift;
      } else {
        EnumSet<ConfigStatus> both = EnumSet.copyOf(cfgStatus);
        both.retainAll(fromDrift);
        matchesNothing = both.isEmpty();
        cfgStatus = both;
      }
    }

    String config = first(params, "config");
    if (config != null) {
      active.put("config", List.of(config));
    }
    String text = Optional.ofNullable(first(params, "q")).orElse("");
    if (!text.isEmpty()) {
      active.put("q", List.of(text));
    }

    String userSelector = Optional.ofNullable(first(params, "selector")).orElse("").trim();
    SelectorParseException selectorError = null;
    List<String> clauses = new ArrayList<>();
    if (!userSelector.isEmpty()) {
      try {
        Selector.parse(userSelector);
        clauses.add(userSelector);
        active.put("selector", List.of(userSelector));
      } catch (SelectorParseException e) {
        selectorError = e;
        ignored.add("selector: " + e.getMessage());
      }
    }
    facetClause("type", "service.name", params, clauses, ignored, active);
    facetClause("version", "service.version", params, clauses, ignored, active);
    for (String name : names) {
      if (name.startsWith("label.")) {
        String key = name.substring("label.".length());
        if (!KEY.matcher(key).matches()) {
          ignored.add(name + ": not a valid label key");
          continue;
        }
        facetClause(name, key, params, clauses, ignored, active);
      }
    }
    Selector selector = null;
    if (!clauses.isEmpty()) {
      selector = Selector.parse(String.join(",", clauses));
    }

    AgentQuery.Sort sort = AgentQuery.Sort.ATTENTION;
    String sortText = first(params, "sort");
    if (sortText != null) {
      Optional<AgentQuery.Sort> parsed = StatusWords.parse(AgentQuery.Sort.class, sortText);
      if (parsed.isPresent()) {
        sort = parsed.get();
        if (sort != AgentQuery.Sort.ATTENTION) {
          active.put("sort", List.of(StatusWords.param(sort)));
        }
      } else {
        ignored.add("sort=" + sortText + ": expected one of attention, name, lastseen, version");
      }
    }
    boolean descending = false;
    String order = first(params, "order");
    if (order != null) {
      if (order.equalsIgnoreCase("desc")) {
        descending = true;
        active.put("order", List.of("desc"));
      } else if (!order.equalsIgnoreCase("asc")) {
        ignored.add("order=" + order + ": expected asc or desc");
      }
    }
    int limit = DEFAULT_LIMIT;
    String limitText = first(params, "limit");
    if (limitText != null) {
      try {
        int parsed = Integer.parseInt(limitText.trim());
        if (parsed < 1 || parsed > MAX_LIMIT) {
          ignored.add("limit=" + limitText + ": expected 1 to " + MAX_LIMIT);
        } else {
          limit = parsed;
          if (limit != DEFAULT_LIMIT) {
            active.put("limit", List.of(Integer.toString(limit)));
          }
        }
      } catch (NumberFormatException e) {
        ignored.add("limit=" + limitText + ": expected a number from 1 to " + MAX_LIMIT);
      }
    }
    String after = first(params, "after");
    if (after != null && !isCursor(after)) {
      ignored.add("after: not a cursor this server handed out; start from the first page");
      after = null;
    }

    AgentQuery query =
        new AgentQuery(
            selector, conn, health, cfgStatus, config, text, sort, descending, limit, after);
    return new Parsed(
        query, userSelector, selectorError, List.copyOf(ignored), matchesNothing, active);
  }

  /** Returns the remote-config states a drift state derives from (see the core's StatusRules). */
  static Set<ConfigStatus> configStatesFor(DriftStatus drift) {
    return switch (drift) {
      case IN_SYNC -> EnumSet.of(ConfigStatus.APPLIED);
      case CONVERGING -> EnumSet.of(ConfigStatus.APPLYING, ConfigStatus.PENDING);
      case DRIFTED -> EnumSet.of(ConfigStatus.FAILED, ConfigStatus.STUCK);
      case UNKNOWN -> EnumSet.of(ConfigStatus.NO_CONFIG, ConfigStatus.NOT_SUPPORTED);
    };
  }

  /** Returns whether a cursor is one {@code FleetView} hands out: base64url of a UID. */
  static boolean isCursor(String cursor) {
    try {
      InstanceUid.parse(
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void facetClause(
      String param,
      String key,
      Function<String, List<String>> params,
      List<String> clauses,
      List<String> ignored,
      Map<String, List<String>> active) {
    List<String> values = new ArrayList<>();
    for (String value : params.apply(param)) {
      if (value.isBlank()) {
        continue;
      }
      if (value.contains("\"")) {
        ignored.add(param + "=" + value + ": values cannot contain '\"'");
        continue;
      }
      values.add(value);
    }
    if (values.isEmpty()) {
      return;
    }
    active.put(param, List.copyOf(values));
    StringBuilder clause = new StringBuilder(key).append(" in (");
    for (int i = 0; i < values.size(); i++) {
      clause.append(i == 0 ? "" : ",").append('"').append(values.get(i)).append('"');
    }
    clauses.add(clause.append(')').toString());
  }

  private static <E extends Enum<E>> Set<E> enums(
      Class<E> type,
      String param,
      Function<String, List<String>> params,
      List<String> ignored,
      Map<String, List<String>> active,
      Function<E, String> name) {
    EnumSet<E> out = EnumSet.noneOf(type);
    for (String raw : params.apply(param)) {
      for (String value : raw.split(",")) {
        if (value.isBlank()) {
          continue;
        }
        Optional<E> parsed = StatusWords.parse(type, value);
        if (parsed.isPresent()) {
          out.add(parsed.get());
        } else {
          List<String> allowed = new ArrayList<>();
          for (E e : type.getEnumConstants()) {
            allowed.add(name.apply(e));
          }
          ignored.add(param + "=" + value + ": expected one of " + String.join(", ", allowed));
        }
      }
    }
    if (!out.isEmpty()) {
      List<String> values = new ArrayList<>();
      out.forEach(e -> values.add(name.apply(e)));
      active.put(param, values);
    }
    return out;
  }

  private static @Nullable String first(Function<String, List<String>> params, String name) {
    for (String value : params.apply(name)) {
      if (!value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }
}
