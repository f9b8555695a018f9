/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import com.google.protobuf.ByteString;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;

/**
 * Turns the protocol's report parts into the core's values.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class AgentReports {
  private AgentReports() {}

  /** Renders attributes as text: strings as they are, other kinds in a compact notation. */
  static Map<String, String> attributes(List<KeyValue> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return out;
  }

  static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        StringJoiner joiner = new StringJoiner(", ", "[", "]");
        value.getArrayValue().getValuesList().forEach(v -> joiner.add(text(v)));
        yield joiner.toString();
      }
      case KVLIST_VALUE -> {
        StringJoiner joiner = new StringJoiner(", ", "{", "}");
        value
            .getKvlistValue()
            .getValuesList()
            .forEach(kv -> joiner.add(kv.getKey() + ": " + text(kv.getValue())));
        yield joiner.toString();
      }
      case VALUE_NOT_SET -> "";
    };
  }

  /** Returns the files of a config map as text; bodies that are not UTF-8 are shown as hex. */
  static Map<String, String> files(AgentConfigMap map) {
    Map<String, String> out = new LinkedHashMap<>();
    map.getConfigMapMap()
        .forEach(
            (name, file) -> {
              ByteString body = file.getBody();
              // The check is a fast scan; decoding a valid body is then a single copy.
              if (body.isValidUtf8()) {
                out.put(name, body.toStringUtf8());
              } else {
                out.put(
                    name,
                    "(binary, "
                        + body.size()
                        + " bytes) "
                        + HexFormat.of()
                            .formatHex(body.substring(0, Math.min(64, body.size())).toByteArray()));
              }
            });
    return out;
  }

  /** Converts a {@code RemoteConfigStatus}. */
  static RemoteConfigReport.Status status(RemoteConfigStatus status) {
    return switch (status.getStatus()) {
      case RemoteConfigStatuses_APPLIED -> RemoteConfigReport.Status.APPLIED;
      case RemoteConfigStatuses_APPLYING -> RemoteConfigReport.Status.APPLYING;
      case RemoteConfigStatuses_FAILED -> RemoteConfigReport.Status.FAILED;
      case RemoteConfigStatuses_UNSET, UNRECOGNIZED -> RemoteConfigReport.Status.UNSET;
    };
  }
}
