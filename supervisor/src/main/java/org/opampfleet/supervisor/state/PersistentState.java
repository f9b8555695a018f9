/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.state;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.supervisor.config.Yaml;

/**
 * The content of {@code persistent_state.yaml}, in the Go supervisor's format:
 *
 * <pre>
 * instance_id: 0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f
 * last_remote_config_status:
 *   status: 1                       # 1 APPLIED, 2 APPLYING, 3 FAILED
 *   last_remote_config_hash: 9f86…  # lower-case hex
 *   error_message: ""
 * </pre>
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 *
 * @param instanceId the persistent instance UID (UID-03)
 * @param lastRemoteConfigStatus the last remote config status reported, or null (RC-11)
 */
public record PersistentState(
    InstanceUid instanceId, @Nullable RemoteConfigStatus lastRemoteConfigStatus) {

  /** The file name in the storage directory. */
  public static final String FILE = "persistent_state.yaml";

  /** Returns the same state with another instance UID. */
  public PersistentState withInstanceId(InstanceUid uid) {
    return new PersistentState(uid, lastRemoteConfigStatus);
  }

  /** Returns the same state with another last remote config status. */
  public PersistentState withStatus(RemoteConfigStatus status) {
    return new PersistentState(instanceId, status);
  }

  /** Returns the last status, if one was recorded. */
  public Optional<RemoteConfigStatus> status() {
    return Optional.ofNullable(lastRemoteConfigStatus);
  }

  /** Writes the YAML form. */
  public String toYaml() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("instance_id", instanceId.toString());
    if (lastRemoteConfigStatus != null) {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("status", lastRemoteConfigStatus.getStatusValue());
      status.put(
          "last_remote_config_hash",
          HexFormat.of().formatHex(lastRemoteConfigStatus.getLastRemoteConfigHash().toByteArray()));
      status.put("error_message", lastRemoteConfigStatus.getErrorMessage());
      out.put("last_remote_config_status", status);
    }
    return Yaml.dump(out);
  }

  /**
   * Reads the YAML form.
   *
   * @throws IllegalArgumentException if it is not valid; the message names the file and the field
   */
  public static PersistentState fromYaml(String text) {
    Map<String, Object> tree = Yaml.parseMap(text, FILE);
    Object id = tree.get("instance_id");
    if (id == null) {
      throw new IllegalArgumentException(FILE + ": instance_id is missing");
    }
    InstanceUid uid;
    try {
      uid = InstanceUid.parse(String.valueOf(id));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(FILE + ": instance_id: " + e.getMessage(), e);
    }
    RemoteConfigStatus status = null;
    if (tree.get("last_remote_config_status") instanceof Map<?, ?> s) {
      RemoteConfigStatus.Builder b = RemoteConfigStatus.newBuilder();
      if (s.get("status") instanceof Number n) {
        RemoteConfigStatuses value = RemoteConfigStatuses.forNumber(n.intValue());
        b.setStatus(value == null ? RemoteConfigStatuses.RemoteConfigStatuses_UNSET : value);
      }
      Object hash = s.get("last_remote_config_hash");
      if (hash != null && !String.valueOf(hash).isEmpty()) {
        try {
          b.setLastRemoteConfigHash(
              ByteString.copyFrom(HexFormat.of().parseHex(String.valueOf(hash))));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              FILE + ": last_remote_config_status::last_remote_config_hash is not hexadecimal", e);
        }
      }
      if (s.get("error_message") != null) {
        b.setErrorMessage(String.valueOf(s.get("error_message")));
      }
      status = b.build();
    }
    return new PersistentState(uid, status);
  }
}
