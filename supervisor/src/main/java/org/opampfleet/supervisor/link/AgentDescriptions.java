/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.link;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.KeyValue;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.supervisor.config.SupervisorConfig;

/**
 * Agent descriptions as the supervisor reports them: the collector's own, with the {@code
 * agent.description} overrides applied (override wins; attributes sorted by key), and a minimal one
 * for when the collector has not described itself (generic agents, failed bootstrap).
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
public final class AgentDescriptions {
  private AgentDescriptions() {}

  /** Applies the overrides to a description the collector reported. */
  public static AgentDescription withOverrides(
      AgentDescription reported, SupervisorConfig.Description overrides) {
    Map<String, AnyValue> identifying = new TreeMap<>();
    reported
        .getIdentifyingAttributesList()
        .forEach(kv -> identifying.put(kv.getKey(), kv.getValue()));
    overrides.identifying().forEach((k, v) -> identifying.put(k, string(v)));
    Map<String, AnyValue> nonIdentifying = new TreeMap<>();
    reported
        .getNonIdentifyingAttributesList()
        .forEach(kv -> nonIdentifying.put(kv.getKey(), kv.getValue()));
    overrides.nonIdentifying().forEach((k, v) -> nonIdentifying.put(k, string(v)));
    AgentDescription.Builder out = AgentDescription.newBuilder();
    identifying.forEach(
        (k, v) -> out.addIdentifyingAttributes(KeyValue.newBuilder().setKey(k).setValue(v)));
    nonIdentifying.forEach(
        (k, v) -> out.addNonIdentifyingAttributes(KeyValue.newBuilder().setKey(k).setValue(v)));
    return out.build();
  }

  /**
   * Returns a description made by the supervisor: {@code service.name} = the executable's file
   * name, {@code service.instance.id} = the UID, and the host's name, OS and architecture.
   */
  public static AgentDescription minimal(Path executable, InstanceUid uid) {
    Map<String, String> identifying = new TreeMap<>();
    identifying.put("service.instance.id", uid.toString());
    identifying.put("service.name", executable.getFileName().toString());
    Map<String, String> nonIdentifying = new TreeMap<>();
    nonIdentifying.put("host.name", hostName());
    nonIdentifying.put("os.type", osType());
    nonIdentifying.put("host.arch", arch());
    AgentDescription.Builder out = AgentDescription.newBuilder();
    identifying.forEach((k, v) -> out.addIdentifyingAttributes(keyValue(k, v)));
    nonIdentifying.forEach((k, v) -> out.addNonIdentifyingAttributes(keyValue(k, v)));
    return out.build();
  }

  /** Returns a description with {@code service.instance.id} set to {@code uid} (UID-12). */
  public static AgentDescription withInstanceId(AgentDescription description, InstanceUid uid) {
    AgentDescription.Builder out = description.toBuilder().clearIdentifyingAttributes();
    boolean seen = false;
    for (KeyValue kv : description.getIdentifyingAttributesList()) {
      if (kv.getKey().equals("service.instance.id")) {
        out.addIdentifyingAttributes(keyValue("service.instance.id", uid.toString()));
        seen = true;
      } else {
        out.addIdentifyingAttributes(kv);
      }
    }
    if (!seen) {
      out.addIdentifyingAttributes(keyValue("service.instance.id", uid.toString()));
    }
    return out.build();
  }

  /** Returns the string value of an attribute, or empty. */
  public static String attribute(AgentDescription description, String key) {
    for (KeyValue kv : description.getIdentifyingAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    for (KeyValue kv : description.getNonIdentifyingAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return "";
  }

  static KeyValue keyValue(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(string(value)).build();
  }

  private static AnyValue string(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static String osType() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.startsWith("mac")) {
      return "darwin";
    }
    if (os.startsWith("windows")) {
      return "windows";
    }
    return os.replace(' ', '_');
  }

  private static String arch() {
    String arch = System.getProperty("os.arch", "");
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }
}
