/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opampfleet.controlplane.agent.AttributeText;
import org.opampfleet.controlplane.agent.RemoteConfigReport;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;

/**
 * Turns the protocol's report parts into the core's values.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class AgentReports {
  private AgentReports() {}

  /** Renders attributes as text (see {@link AttributeText}). */
  static Map<String, String> attributes(List<KeyValue> attributes) {
    return AttributeText.of(attributes);
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
