/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.netty.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;

/** The transport's self-telemetry. Internal; not API; may change without notice. Thread-safe. */
public final class TransportMetrics {
  private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("opamp.transport");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  static final Attributes WEBSOCKET = Attributes.of(TRANSPORT, "websocket");
  static final Attributes HTTP = Attributes.of(TRANSPORT, "http");

  private final LongUpDownCounter connections;
  private final LongCounter bytesReceived;
  private final LongCounter bytesSent;
  private final LongCounter rejections;

  /** Creates the instruments. */
  public TransportMetrics(OpenTelemetry openTelemetry) {
    Meter meter = openTelemetry.getMeter("org.opampfleet.opamp.server.netty");
    connections =
        meter
            .upDownCounterBuilder("opamp.server.connections.active")
            .setDescription("Open TCP connections, by what they carry now")
            .setUnit("{connection}")
            .build();
    bytesReceived =
        meter
            .counterBuilder("opamp.server.bytes.received")
            .setDescription("OpAMP message bytes received, before decompression")
            .setUnit("By")
            .build();
    bytesSent =
        meter
            .counterBuilder("opamp.server.bytes.sent")
            .setDescription("OpAMP message bytes sent, before compression")
            .setUnit("By")
            .build();
    rejections =
        meter
            .counterBuilder("opamp.server.transport.rejections")
            .setDescription("Connections and requests the transport turned away, by reason")
            .setUnit("{request}")
            .build();
  }

  void httpConnectionOpened() {
    connections.add(1, HTTP);
  }

  void httpConnectionClosed() {
    connections.add(-1, HTTP);
  }

  void upgradedToWebSocket() {
    connections.add(-1, HTTP);
    connections.add(1, WEBSOCKET);
  }

  void webSocketClosed() {
    connections.add(-1, WEBSOCKET);
  }

  void received(Attributes transport, long bytes) {
    bytesReceived.add(bytes, transport);
  }

  void sent(Attributes transport, long bytes) {
    bytesSent.add(bytes, transport);
  }

  void rejected(String reason) {
    rejections.add(1, Attributes.of(REASON, reason));
  }
}
