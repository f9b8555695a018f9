/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.status;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Agent;
import org.opampfleet.controlplane.agent.AgentConnectionInfo;
import org.opampfleet.controlplane.agent.ConfigOfferRecord;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.controlplane.agent.Transport;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.DriftStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.wire.AgentCapability;

/**
 * Derives an {@link AgentStatus} from an agent's snapshot, its desired configuration version and
 * the time now. "Applied" is only ever what the agent reported for the hash it should run.
 *
 * <p><b>Thread safety:</b> immutable and thread-safe.
 */
public final class StatusRules {
  private final Clock clock;
  private final StatusThresholds thresholds;

  /** Creates the rules. */
  public StatusRules(Clock clock, StatusThresholds thresholds) {
    this.clock = requireNonNull(clock, "clock");
    this.thresholds = requireNonNull(thresholds, "thresholds");
  }

  /** Returns the thresholds. */
  public StatusThresholds thresholds() {
    return thresholds;
  }

  /**
   * Derives the status.
   *
   * @param expectedInterval the heartbeat or polling interval the agent should keep; null for the
   *     default
   */
  public AgentStatus of(
      Agent agent, Optional<ConfigVersion> desired, @Nullable Duration expectedInterval) {
    Instant now = clock.instant();
    Duration interval = expectedInterval != null ? expectedInterval : thresholds.defaultInterval();
    ConnectionStatus connection = connection(agent, now, interval);
    HealthStatus health;
    String healthReason = "";
    ComponentHealth root = agent.health();
    if (root == null) {
      health =
          agent.hasCapability(AgentCapability.REPORTS_HEALTH)
              ? HealthStatus.UNKNOWN
              : HealthStatus.NOT_REPORTED;
    } else if (!root.getHealthy()) {
      health = HealthStatus.UNHEALTHY;
      healthReason = firstProblem("", root);
    } else {
      String problem = firstProblemBelow(root);
      health = problem.isEmpty() ? HealthStatus.HEALTHY : HealthStatus.DEGRADED;
      healthReason = problem;
    }

    ConfigVersion want = desired.orElse(null);
    ConfigStatus config;
    String configReason;
    RemoteConfigReport reported = agent.remoteConfig();
    ConfigOfferRecord offer = agent.lastOffer();
    if (!agent.hasCapability(AgentCapability.ACCEPTS_REMOTE_CONFIG)) {
      config = ConfigStatus.NOT_SUPPORTED;
      configReason = "Not supported";
    } else if (want == null) {
      config = ConfigStatus.NO_CONFIG;
      configReason = "No config (local)";
    } else if (reported != null
        && reported.hash().equals(want.hash())
        && reported.status() == RemoteConfigReport.Status.APPLIED) {
      config = ConfigStatus.APPLIED;
      configReason = "Applied v" + want.version();
    } else if (reported != null
        && reported.hash().equals(want.hash())
        && reported.status() == RemoteConfigReport.Status.FAILED) {
      config = ConfigStatus.FAILED;
      configReason =
          "Failed v"
              + want.version()
              + (reported.errorMessage().isEmpty() ? "" : ": " + reported.errorMessage());
    } else if ((reported != null && reported.hash().equals(want.hash()))
        || (offer != null && offer.hash().equals(want.hash()))) {
      Instant since =
          offer != null && offer.hash().equals(want.hash())
              ? offer.offeredAt()
              : reported.reportedAt();
      boolean stuck = Duration.between(since, now).compareTo(stuckAfter(agent, interval)) > 0;
      config = stuck ? ConfigStatus.STUCK : ConfigStatus.APPLYING;
      configReason =
          (stuck ? "Stuck applying v" : "Applying v") + want.version() + " · " + age(since, now);
    } else {
      boolean offline = connection == ConnectionStatus.DISCONNECTED;
      boolean stuck =
          !offline
              && Duration.between(want.createdAt(), now).compareTo(stuckAfter(agent, interval)) > 0;
      config = stuck ? ConfigStatus.STUCK : ConfigStatus.PENDING;
      configReason =
          (stuck ? "Stuck pending v" : "Pending v")
              + want.version()
              + (offline
                  ? " · offline"
                  : agent.connection().transport() == Transport.HTTP ? " · next poll" : "");
    }

    DriftStatus drift =
        switch (config) {
          case APPLIED -> DriftStatus.IN_SYNC;
          case APPLYING, PENDING -> DriftStatus.CONVERGING;
          case FAILED, STUCK -> DriftStatus.DRIFTED;
          case NO_CONFIG, NOT_SUPPORTED -> DriftStatus.UNKNOWN;
        };
    int rank = attentionRank(agent, now, connection, health, config);
    return new AgentStatus(
        connection, health, healthReason, config, want, configReason, drift, rank);
  }

  private ConnectionStatus connection(Agent agent, Instant now, Duration interval) {
    AgentConnectionInfo c = agent.connection();
    Duration silent = Duration.between(agent.lastSeen(), now);
    Duration staleAfter = interval.multipliedBy(2).plusSeconds(5);
    if (c.connected()) {
      return silent.compareTo(staleAfter) > 0 ? ConnectionStatus.STALE : ConnectionStatus.CONNECTED;
    }
    if (c.transport() == Transport.HTTP && "IDLE_TIMEOUT".equals(c.closeReason())) {
      Duration limit = interval.multipliedBy(5);
      if (limit.compareTo(thresholds.disconnectedAfter()) < 0) {
        limit = thresholds.disconnectedAfter();
      }
      return silent.compareTo(limit) > 0 ? ConnectionStatus.DISCONNECTED : ConnectionStatus.STALE;
    }
    return ConnectionStatus.DISCONNECTED;
  }

  private Duration stuckAfter(Agent agent, Duration interval) {
    return agent.connection().transport() == Transport.HTTP
        ? thresholds.stuckAfter().plus(interval.multipliedBy(thresholds.stuckPolls()))
        : thresholds.stuckAfter();
  }

  private static int attentionRank(
      Agent agent,
      Instant now,
      ConnectionStatus connection,
      HealthStatus health,
      ConfigStatus config) {
    boolean recentlyDisconnected =
        connection == ConnectionStatus.DISCONNECTED
            && Duration.between(agent.lastSeen(), now).compareTo(Duration.ofHours(24)) <= 0;
    if (connection == ConnectionStatus.DISCONNECTED && !recentlyDisconnected) {
      return 10;
    }
    if (config == ConfigStatus.FAILED) {
      return 1;
    }
    if (health == HealthStatus.UNHEALTHY && connection != ConnectionStatus.DISCONNECTED) {
      return 2;
    }
    if (config == ConfigStatus.STUCK) {
      return 3;
    }
    if (connection == ConnectionStatus.STALE) {
      return 4;
    }
    if (health == HealthStatus.DEGRADED && connection != ConnectionStatus.DISCONNECTED) {
      return 6;
    }
    if (recentlyDisconnected) {
      return 7;
    }
    if (config == ConfigStatus.PENDING || config == ConfigStatus.APPLYING) {
      return 8;
    }
    return 9;
  }

  private static String firstProblemBelow(ComponentHealth parent) {
    for (Map.Entry<String, ComponentHealth> child :
        new java.util.TreeMap<>(parent.getComponentHealthMapMap()).entrySet()) {
      String problem = firstProblem(child.getKey(), child.getValue());
      if (!problem.isEmpty()) {
        return problem;
      }
    }
    return "";
  }

  private static String firstProblem(String name, ComponentHealth component) {
    if (!component.getHealthy() || !component.getLastError().isEmpty()) {
      String below = firstProblemBelow(component);
      if (!below.isEmpty()) {
        return name.isEmpty() ? below : name + " / " + below;
      }
      String error = component.getLastError().isEmpty() ? "unhealthy" : component.getLastError();
      return name.isEmpty() ? error : name + ": " + error;
    }
    String below = firstProblemBelow(component);
    return below.isEmpty() || name.isEmpty() ? below : name + " / " + below;
  }

  private static String age(Instant since, Instant now) {
    long seconds = Math.max(0, Duration.between(since, now).getSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + "m";
    }
    return (seconds / 3600) + "h";
  }
}
