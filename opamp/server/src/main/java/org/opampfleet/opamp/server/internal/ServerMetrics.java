/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.TransportKind;

/**
 * The engine's self-telemetry, through the OpenTelemetry API only (the application chooses the SDK,
 * or none).
 *
 * <p>Internal; not API; may change without notice. Thread-safe.
 */
final class ServerMetrics {
  static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("opamp.transport");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

  private static final Attributes WEBSOCKET = Attributes.of(TRANSPORT, "websocket");
  private static final Attributes HTTP = Attributes.of(TRANSPORT, "http");

  private final LongUpDownCounter activeAgents;
  private final LongCounter messagesReceived;
  private final LongCounter messagesSent;
  private final LongCounter fullStateRequests;
  private final LongCounter pendingReplacements;
  private final LongCounter droppedParts;
  private final LongCounter protocolErrors;
  private final LongCounter rejections;
  private final LongCounter closes;

  ServerMetrics(OpenTelemetry openTelemetry) {
    Meter meter = openTelemetry.getMeter("org.opampfleet.opamp.server");
    activeAgents =
        meter
            .upDownCounterBuilder("opamp.server.agents.active")
            .setDescription("Agent connections open now")
            .setUnit("{agent}")
            .build();
    messagesReceived =
        meter
            .counterBuilder("opamp.server.messages.received")
            .setDescription("AgentToServer messages received")
            .setUnit("{message}")
            .build();
    messagesSent =
        meter
            .counterBuilder("opamp.server.messages.sent")
            .setDescription("ServerToAgent messages sent")
            .setUnit("{message}")
            .build();
    fullStateRequests =
        meter
            .counterBuilder("opamp.server.full_state_requests")
            .setDescription("Replies that asked an agent for its full state")
            .setUnit("{message}")
            .build();
    pendingReplacements =
        meter
            .counterBuilder("opamp.server.send_queue.replacements")
            .setDescription("Pending message parts replaced by newer ones before they were sent")
            .setUnit("{part}")
            .build();
    droppedParts =
        meter
            .counterBuilder("opamp.server.messages.dropped_parts")
            .setDescription(
                "Message parts not sent: not accepted by the agent's capabilities, or over the size limit")
            .setUnit("{part}")
            .build();
    protocolErrors =
        meter
            .counterBuilder("opamp.server.protocol_errors")
            .setDescription("Malformed or invalid input from agents")
            .setUnit("{error}")
            .build();
    rejections =
        meter
            .counterBuilder("opamp.server.connections.rejected")
            .setDescription("Connections or requests refused at admission")
            .setUnit("{connection}")
            .build();
    closes =
        meter
            .counterBuilder("opamp.server.agents.closed")
            .setDescription("Agent connections that ended, by reason")
            .setUnit("{agent}")
            .build();
  }

  static Attributes transport(TransportKind kind) {
    return kind == TransportKind.WEBSOCKET ? WEBSOCKET : HTTP;
  }

  void agentOpened(TransportKind kind) {
    activeAgents.add(1, transport(kind));
  }

  void agentClosed(TransportKind kind, CloseReason reason) {
    activeAgents.add(-1, transport(kind));
    closes.add(1, Attributes.of(TRANSPORT, transport(kind).get(TRANSPORT), REASON, reason.name()));
  }

  void messageReceived(TransportKind kind) {
    messagesReceived.add(1, transport(kind));
  }

  void messageSent(TransportKind kind) {
    messagesSent.add(1, transport(kind));
  }

  void fullStateRequested() {
    fullStateRequests.add(1);
  }

  void pendingReplaced(int parts) {
    if (parts > 0) {
      pendingReplacements.add(parts);
    }
  }

  void partsDropped(int parts, String reason) {
    if (parts > 0) {
      droppedParts.add(parts, Attributes.of(REASON, reason));
    }
  }

  void protocolError(String kind) {
    protocolErrors.add(1, Attributes.of(REASON, kind));
  }

  void rejected(int status) {
    rejections.add(1, Attributes.of(REASON, Integer.toString(status)));
  }
}
