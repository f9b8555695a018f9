/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Server-side settings for the agents a configuration selects: heartbeat interval and where they
 * send their own telemetry. Not versioned.
 *
 * @param heartbeatInterval the heartbeat (and HTTP polling) interval to offer; null for the default
 * @param ownMetrics where agents send their own metrics; null for nowhere
 * @param ownLogs where agents send their own logs; null for nowhere
 * @param ownTraces where agents send their own traces; null for nowhere
 */
public record ConfigSettings(
    @Nullable Duration heartbeatInterval,
    @Nullable TelemetryDestination ownMetrics,
    @Nullable TelemetryDestination ownLogs,
    @Nullable TelemetryDestination ownTraces) {

  /** No settings: agents keep their defaults. */
  public static final ConfigSettings NONE = new ConfigSettings(null, null, null, null);

  /** Returns whether any setting is made. */
  public boolean isEmpty() {
    return heartbeatInterval == null && ownMetrics == null && ownLogs == null && ownTraces == null;
  }

  /**
   * An OTLP/HTTP destination (P-18: the endpoint includes the signal path).
   *
   * @param endpoint e.g. {@code https://otlp.example.com:4318/v1/metrics}
   * @param headers headers to send, e.g. an API key
   */
  public record TelemetryDestination(String endpoint, Map<String, String> headers) {
    /** Copies the headers. */
    public TelemetryDestination {
      headers = Map.copyOf(headers);
    }
  }
}
