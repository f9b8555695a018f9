/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.time.Duration;
import java.time.Instant;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.controlplane.status.AgentStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentView;

/**
 * Internal; not API; may change without notice. The status vocabulary of UI guide section 3: four
 * independent badges per agent, with icon shape, text and colour, and the "last known" style for
 * agents that are not reporting.
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class Badges {
  private Badges() {}

  /** Returns the connection badge, e.g. {@code Connected 2h 4m · WS}. */
  public static Badge connection(AgentView view, Instant now) {
    Agent a = view.agent();
    ConnectionStatus c = view.status().connection();
    String transport = a.connection().transport() == Transport.WEBSOCKET ? "WS" : "HTTP";
    String status = StatusWords.param(c);
    return switch (c) {
      case CONNECTED ->
          new Badge(
              "conn",
              status,
              "ok",
              "i-conn",
              "Connected "
                  + Format.duration(Duration.between(a.connection().connectedAt(), now))
                  + " · "
                  + transport,
              "Connected since "
                  + Format.dateTime(a.connection().connectedAt())
                  + " from "
                  + a.connection().remoteAddress()
                  + "; last message "
                  + Format.ago(a.lastSeen(), now));
      case STALE ->
          new Badge(
              "conn",
              status,
              "warn",
              "i-stale",
              "Stale " + Format.duration(Duration.between(a.lastSeen(), now)),
              "Stale: no message for "
                  + Format.duration(Duration.between(a.lastSeen(), now))
                  + " (last at "
                  + Format.dateTime(a.lastSeen())
                  + ")");
      case DISCONNECTED ->
          new Badge(
              "conn",
              status,
              "neutral",
              "i-disc",
              "Disconnected",
              "Disconnected since "
                  + Format.dateTime(
                      a.connection().disconnectedAt() != null
                          ? a.connection().disconnectedAt()
                          : a.lastSeen())
                  + (a.connection().closeReason() == null
                      ? ""
                      : " (" + a.connection().closeReason() + ")")
                  + "; last seen "
                  + Format.ago(a.lastSeen(), now));
    };
  }

  /** Returns the health badge; its title names the first failing component. */
  public static Badge health(AgentView view) {
    AgentStatus s = view.status();
    String status = StatusWords.param(s.health());
    String text = StatusWords.text(s.health());
    String reason = s.healthReason();
    String reported =
        view.agent().healthReportedAt() == null
            ? "not reported yet"
            : "reported at " + Format.dateTime(view.agent().healthReportedAt());
    String title = (reason.isEmpty() ? text : text + ": " + reason) + " — " + reported;
    Badge badge =
        switch (s.health()) {
          case HEALTHY -> new Badge("health", status, "ok", "i-ok", text, title);
          case DEGRADED -> new Badge("health", status, "warn", "i-warn", text, title);
          case UNHEALTHY -> new Badge("health", status, "error", "i-error", text, title);
          case UNKNOWN ->
              new Badge(
                  "health",
                  status,
                  "neutral",
                  "i-unknown",
                  text,
                  "The agent has not reported health yet");
          case NOT_REPORTED ->
              new Badge(
                  "health",
                  status,
                  "neutral",
                  "i-na",
                  text,
                  "The agent does not report health (capability ReportsHealth)");
        };
    return lastKnown(view, badge);
  }

  /** Returns the remote-config badge, e.g. {@code Failed v12} with the error in the title. */
  public static Badge config(AgentView view) {
    AgentStatus s = view.status();
    String status = StatusWords.param(s.config());
    String reason = s.configReason();
    String text = reason;
    RemoteConfigReport report = view.agent().remoteConfig();
    String when = report == null ? "" : " — reported at " + Format.dateTime(report.reportedAt());
    Badge badge =
        switch (s.config()) {
          case APPLIED -> new Badge("config", status, "ok", "i-ok", text, reason + when);
          case APPLYING -> new Badge("config", status, "info", "i-applying", text, reason + when);
          case PENDING ->
              new Badge("config", status, "info", "i-info", text, reason + " — not delivered yet");
          case FAILED -> {
            int colon = reason.indexOf(": ");
            yield new Badge(
                "config",
                status,
                "error",
                "i-error",
                colon > 0 ? reason.substring(0, colon) : reason,
                reason + when);
          }
          case STUCK -> new Badge("config", status, "warn", "i-warn", text, reason + when);
          case NO_CONFIG ->
              new Badge(
                  "config",
                  status,
                  "neutral",
                  "i-na",
                  "No config (local)",
                  "No configuration matches this agent; it runs its local configuration");
          case NOT_SUPPORTED ->
              new Badge(
                  "config",
                  status,
                  "neutral",
                  "i-na",
                  "Not supported",
                  "The agent does not accept remote configuration (capability"
                      + " AcceptsRemoteConfig)");
        };
    return lastKnown(view, badge);
  }

  /** Returns the drift badge, with its reason. */
  public static Badge drift(AgentView view) {
    AgentStatus s = view.status();
    String status = StatusWords.param(s.drift());
    String version = s.desired() == null ? "" : "v" + s.desired().version();
    Badge badge =
        switch (s.drift()) {
          case IN_SYNC ->
              new Badge(
                  "drift",
                  status,
                  "ok",
                  "i-ok",
                  "In sync",
                  "The agent reported applying " + version + ", the version it should run");
          case CONVERGING ->
              new Badge(
                  "drift",
                  status,
                  "info",
                  "i-info",
                  "Converging to " + version,
                  "A change to " + version + " is on its way");
          case DRIFTED ->
              new Badge(
                  "drift",
                  status,
                  "warn",
                  "i-drift",
                  s.config() == AgentStatus.ConfigStatus.FAILED
                      ? "Drifted: " + version + " failed"
                      : "Drifted: stuck before " + version,
                  "The agent does not run " + version + ": " + s.configReason());
          case UNKNOWN ->
              new Badge(
                  "drift",
                  status,
                  "neutral",
                  "i-unknown",
                  "Unknown",
                  s.config() == AgentStatus.ConfigStatus.NOT_SUPPORTED
                      ? "Unknown: the agent does not accept remote configuration"
                      : "Unknown: no configuration is assigned");
        };
    return lastKnown(view, badge);
  }

  private static Badge lastKnown(AgentView view, Badge badge) {
    if (view.status().connection() == ConnectionStatus.CONNECTED) {
      return badge;
    }
    return new Badge(
        badge.dim(),
        badge.status(),
        "neutral",
        badge.icon(),
        badge.text() + " (last known)",
        badge.title() + " — last known: the agent is not reporting now");
  }
}
