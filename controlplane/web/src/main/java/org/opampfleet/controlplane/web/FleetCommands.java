/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentEvent;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigSettings;
import org.opampfleet.controlplane.delivery.DeliveryService.RestartOutcome;
import org.opampfleet.controlplane.status.AgentView;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The changes people make through the API or the UI, with the follow-up the core needs: after a
 * configuration changes every connected agent is reconciled, after an agent's labels or assignment
 * change that agent is, so the new desired configuration is offered at once.
 *
 * <p>Failures are {@link ApiException}s with a message for people; both the API and the UI render
 * them.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class FleetCommands {
  private final WebServices services;

  FleetCommands(WebServices services) {
    this.services = requireNonNull(services, "services");
  }

  /** Parses an instance UID from a path, or fails with 400. */
  static InstanceUid uid(String text) {
    try {
      return InstanceUid.parse(text.trim());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "\""
              + text
              + "\" is not an instance UID (expected the UUID text form, e.g."
              + " 0192f1c3-5b7e-7c11-9a4e-2c6f7d31aa09).");
    }
  }

  /** Returns an agent with its status, or fails with 404. */
  AgentView agent(String uidText) {
    InstanceUid uid = uid(uidText);
    return services
        .fleetView()
        .agent(uid)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "Unknown agent",
                    "No agent with instance UID "
                        + uid
                        + " is known. It may have been deleted, or never connected."));
  }

  /** Returns a configuration, or fails with 404. */
  ConfigService.Entry config(String name) {
    return services
        .configs()
        .get(name)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "Unknown configuration", "There is no configuration named \"" + name + "\"."));
  }

  /**
   * Applies a merge patch to an agent's labels: a string sets a label, null removes it.
   *
   * @return the agent after the change
   */
  Agent patchLabels(InstanceUid uid, Map<String, @Nullable String> patch, String who) {
    List<String> problems = new ArrayList<>();
    patch.forEach(
        (key, value) -> {
          LabelSyntax.checkKey(key).ifPresent(problems::add);
          if (value != null) {
            LabelSyntax.checkValue(key, value).ifPresent(problems::add);
          }
        });
    if (!problems.isEmpty()) {
      throw new ApiException(
          Problem.of(
                  400,
                  "invalid-labels",
                  "The labels are not valid",
                  String.join("; ", problems) + ".")
              .with("errors", problems));
    }
    Map<String, String> before = new TreeMap<>();
    Optional<Agent> updated =
        services
            .inventory()
            .updateExisting(
                uid,
                a -> {
                  before.clear();
                  before.putAll(a.labels());
                  Map<String, String> labels = new TreeMap<>(a.labels());
                  patch.forEach(
                      (k, v) -> {
                        if (v == null) {
                          labels.remove(k);
                        } else {
                          labels.put(k, v);
                        }
                      });
                  return labels.equals(a.labels()) ? a : a.toBuilder().labels(labels).build();
                });
    Agent agent = updated.orElseThrow(() -> unknownAgent(uid));
    if (!before.equals(agent.labels())) {
      services
          .inventory()
          .record(uid, AgentEvent.Kind.LABELS_CHANGED, describeChange(before, agent.labels(), who));
      services.delivery().reconcile(agent);
    }
    return agent;
  }

  /** Replaces all of an agent's labels. */
  Agent replaceLabels(InstanceUid uid, Map<String, String> labels, String who) {
    Agent current = services.inventory().get(uid).orElseThrow(() -> unknownAgent(uid));
    Map<String, @Nullable String> patch = new TreeMap<>();
    current.labels().keySet().forEach(k -> patch.put(k, null));
    patch.putAll(labels);
    return patchLabels(uid, patch, who);
  }

  /** Assigns a configuration to an agent directly, or removes the assignment (null). */
  Agent assign(InstanceUid uid, @Nullable String configName) {
    if (configName != null && services.configs().get(configName).isEmpty()) {
      throw ApiException.unprocessable(
          "unknown-config",
          "Unknown configuration",
          "There is no configuration named \"" + configName + "\" to assign.");
    }
    Agent agent =
        services
            .inventory()
            .updateExisting(uid, a -> a.toBuilder().directConfig(configName).build())
            .orElseThrow(() -> unknownAgent(uid));
    services.delivery().reconcile(agent);
    return agent;
  }

  /** Asks an agent to restart, or fails with a reason people understand. */
  void restart(InstanceUid uid, String who) {
    RestartOutcome outcome = services.delivery().restart(uid, who);
    switch (outcome) {
      case SENT -> {}
      case UNKNOWN_AGENT -> throw unknownAgent(uid);
      case NOT_SUPPORTED ->
          throw ApiException.conflict(
              "restart-not-supported",
              "The agent cannot be restarted remotely",
              "The agent did not report the AcceptsRestartCommand capability, so it would ignore"
                  + " a restart command.");
      case NOT_CONNECTED ->
          throw ApiException.conflict(
              "agent-not-connected",
              "The agent is not connected",
              "The agent has no open connection, so the restart command cannot be delivered."
                  + " Try again when it is connected.");
    }
  }

  /** Deletes a disconnected agent's record. */
  void deleteAgent(InstanceUid uid) {
    Agent agent = services.inventory().get(uid).orElseThrow(() -> unknownAgent(uid));
    if (agent.connection().connected()) {
      throw ApiException.conflict(
          "agent-connected",
          "The agent is connected",
          "Only disconnected agents can be deleted: a connected agent would reappear with its"
              + " next message. Stop the agent first.");
    }
    services.inventory().delete(uid);
  }

  /** Saves a configuration version and offers it to the agents that should run it. */
  ConfigService.SaveResult saveConfig(
      String name,
      String selector,
      int priority,
      Map<String, String> files,
      String who,
      String note,
      @Nullable Integer baseVersion) {
    ConfigService.SaveResult result =
        services.configs().save(name, selector, priority, files, who, note, baseVersion, null);
    services.delivery().reconcileAll();
    return result;
  }

  /** Deletes a configuration; its agents fall back to the next match or their local config. */
  void deleteConfig(String name) {
    if (!services.configs().delete(name)) {
      config(name); // throws 404
    }
    services.delivery().reconcileAll();
  }

  /** Replaces a configuration's settings. */
  void updateSettings(String name, ConfigSettings settings) {
    if (!services.configs().updateSettings(name, settings)) {
      config(name); // throws 404
    }
    services.delivery().reconcileAll();
  }

  private static ApiException unknownAgent(InstanceUid uid) {
    return ApiException.notFound(
        "Unknown agent", "No agent with instance UID " + uid + " is known.");
  }

  private static String describeChange(
      Map<String, String> before, Map<String, String> after, String who) {
    List<String> parts = new ArrayList<>();
    after.forEach(
        (k, v) -> {
          if (!v.equals(before.get(k))) {
            parts.add(k + "=" + v);
          }
        });
    before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k -> parts.add("-" + k));
    return "labels edited by " + who + ": " + String.join(", ", parts);
  }
}
