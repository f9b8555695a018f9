/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.util.Locale;
import java.util.Optional;
import org.opampfleet.controlplane.status.AgentStatus.ConfigStatus;
import org.opampfleet.controlplane.status.AgentStatus.ConnectionStatus;
import org.opampfleet.controlplane.status.AgentStatus.DriftStatus;
import org.opampfleet.controlplane.status.AgentStatus.HealthStatus;

/**
 * Internal; not API; may change without notice. The one vocabulary of status words: URL parameter
 * values ({@code conn=stale}), JSON values ({@code "not_reported"}) and the text people read.
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class StatusWords {
  private StatusWords() {}

  /** Returns the URL parameter value: lower case without separators, e.g. {@code notreported}. */
  public static String param(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace("_", "");
  }

  /** Returns the JSON value: lower case with underscores, e.g. {@code not_reported}. */
  public static String json(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a URL or JSON value ({@code notreported}, {@code not_reported}, {@code NOT_REPORTED}).
   */
  public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    for (E value : type.getEnumConstants()) {
      if (param(value).equals(wanted)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** Returns the word people read for a connection state. */
  public static String text(ConnectionStatus status) {
    return switch (status) {
      case CONNECTED -> "Connected";
      case STALE -> "Stale";
      case DISCONNECTED -> "Disconnected";
    };
  }

  /** Returns the word people read for a health state. */
  public static String text(HealthStatus status) {
    return switch (status) {
      case HEALTHY -> "Healthy";
      case DEGRADED -> "Degraded";
      case UNHEALTHY -> "Unhealthy";
      case UNKNOWN -> "Unknown";
      case NOT_REPORTED -> "Not reported";
    };
  }

  /** Returns the word people read for a remote-config state. */
  public static String text(ConfigStatus status) {
    return switch (status) {
      case APPLIED -> "Applied";
      case APPLYING -> "Applying";
      case PENDING -> "Pending";
      case FAILED -> "Failed";
      case STUCK -> "Stuck";
      case NO_CONFIG -> "No config";
      case NOT_SUPPORTED -> "Not supported";
    };
  }

  /** Returns the word people read for a drift state. */
  public static String text(DriftStatus status) {
    return switch (status) {
      case IN_SYNC -> "In sync";
      case CONVERGING -> "Converging";
      case DRIFTED -> "Drifted";
      case UNKNOWN -> "Unknown";
    };
  }
}
