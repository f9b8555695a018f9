/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.fakeotelcol;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentDetails;
import org.opampfleet.opamp.protocol.KeyValue;

/**
 * The component types this fake collector is "built with", per kind, with the Go module each comes
 * from in the real contrib distribution. The {@code fault} extension exists only here (see {@link
 * Faults}); the {@code opamp} extension can be left out to imitate a build without it.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 */
final class Components {
  static final String VERSION = "0.140.0";
  static final String COMMAND = "otelcol-fake";
  static final List<String> KINDS =
      List.of("receivers", "processors", "exporters", "connectors", "extensions");

  private static final String CORE = "go.opentelemetry.io/collector/";
  private static final String CONTRIB =
      "github.com/open-telemetry/opentelemetry-collector-contrib/";

  private final SortedMap<String, SortedMap<String, String>> byKind;

  private Components(SortedMap<String, SortedMap<String, String>> byKind) {
    this.byKind = byKind;
  }

  /**
   * Returns the standard set, without the {@code opamp} extension when {@code withOpamp} is off.
   */
  static Components standard(OpampExtensionPresence presence) {
    SortedMap<String, SortedMap<String, String>> kinds = new TreeMap<>();
    put(kinds, "receivers", "nop", CORE + "receiver/nopreceiver");
    put(kinds, "receivers", "otlp", CORE + "receiver/otlpreceiver");
    put(kinds, "receivers", "prometheus", CONTRIB + "receiver/prometheusreceiver");
    put(kinds, "receivers", "hostmetrics", CONTRIB + "receiver/hostmetricsreceiver");
    put(kinds, "receivers", "filelog", CONTRIB + "receiver/filelogreceiver");
    put(kinds, "processors", "batch", CORE + "processor/batchprocessor");
    put(kinds, "processors", "memory_limiter", CORE + "processor/memorylimiterprocessor");
    put(kinds, "processors", "resource", CONTRIB + "processor/resourceprocessor");
    put(kinds, "processors", "attributes", CONTRIB + "processor/attributesprocessor");
    put(kinds, "processors", "filter", CONTRIB + "processor/filterprocessor");
    put(kinds, "processors", "transform", CONTRIB + "processor/transformprocessor");
    put(kinds, "exporters", "nop", CORE + "exporter/nopexporter");
    put(kinds, "exporters", "debug", CORE + "exporter/debugexporter");
    put(kinds, "exporters", "otlp", CORE + "exporter/otlpexporter");
    put(kinds, "exporters", "otlphttp", CORE + "exporter/otlphttpexporter");
    put(kinds, "exporters", "file", CONTRIB + "exporter/fileexporter");
    put(kinds, "exporters", "prometheus", CONTRIB + "exporter/prometheusexporter");
    put(kinds, "connectors", "forward", CORE + "connector/forwardconnector");
    put(kinds, "connectors", "count", CONTRIB + "connector/countconnector");
    put(kinds, "extensions", "health_check", CONTRIB + "extension/healthcheckextension");
    put(kinds, "extensions", "pprof", CONTRIB + "extension/pprofextension");
    put(kinds, "extensions", "zpages", CORE + "extension/zpagesextension");
    put(kinds, "extensions", "file_storage", CONTRIB + "extension/storage/filestorage");
    put(kinds, "extensions", "fault", "github.com/opampfleet/fake-otelcol/faultextension");
    if (presence == OpampExtensionPresence.INCLUDED) {
      put(kinds, "extensions", "opamp", CONTRIB + "extension/opampextension");
    }
    return new Components(kinds);
  }

  private static void put(
      SortedMap<String, SortedMap<String, String>> kinds, String kind, String type, String module) {
    kinds.computeIfAbsent(kind, k -> new TreeMap<>()).put(type, module + " v" + VERSION);
  }

  /** Whether the fake is built with the {@code opamp} extension. */
  enum OpampExtensionPresence {
    INCLUDED,
    LEFT_OUT
  }

  /** Returns whether {@code type} is a known component type of {@code kind}. */
  boolean has(String kind, String type) {
    return byKind.getOrDefault(kind, Collections.emptySortedMap()).containsKey(type);
  }

  /** Returns the known types of a kind, sorted. */
  List<String> types(String kind) {
    return new ArrayList<>(byKind.getOrDefault(kind, Collections.emptySortedMap()).keySet());
  }

  /** Returns type → module of a kind, sorted. */
  SortedMap<String, String> modules(String kind) {
    return byKind.getOrDefault(kind, Collections.emptySortedMap());
  }

  /**
   * Returns the components as OpAMP reports them: per kind, per type, the Go module in {@code
   * code.namespace}; the hash is SHA-256 over the sorted list.
   */
  AvailableComponents toAvailableComponents() {
    AvailableComponents.Builder out = AvailableComponents.newBuilder();
    StringBuilder text = new StringBuilder();
    Map<String, ComponentDetails> kinds = new LinkedHashMap<>();
    for (String kind : KINDS) {
      ComponentDetails.Builder details = ComponentDetails.newBuilder();
      modules(kind)
          .forEach(
              (type, module) -> {
                details.putSubComponentMap(
                    type,
                    ComponentDetails.newBuilder()
                        .addMetadata(
                            KeyValue.newBuilder()
                                .setKey("code.namespace")
                                .setValue(AnyValue.newBuilder().setStringValue(module)))
                        .build());
                text.append(kind).append(':').append(type).append(':').append(module).append('\n');
              });
      kinds.put(kind, details.build());
    }
    out.putAllComponents(kinds);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      out.setHash(ByteString.copyFrom(hash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    return out.build();
  }

  /** Returns the output of the {@code components} command: YAML, like the real collector's. */
  String describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> build = new LinkedHashMap<>();
    build.put("command", COMMAND);
    build.put("description", "OpAMP Fleet fake OpenTelemetry Collector (tests only)");
    build.put("version", VERSION);
    out.put("buildinfo", build);
    for (String kind : KINDS) {
      List<Object> list = new ArrayList<>();
      modules(kind)
          .forEach(
              (type, module) -> {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", type);
                item.put("module", module);
                list.add(item);
              });
      out.put(kind, list);
    }
    List<Object> providers = new ArrayList<>();
    for (String scheme : List.of("env", "file", "yaml")) {
      providers.add(Map.of("scheme", scheme));
    }
    out.put("providers", providers);
    return Yaml.dump(out);
  }
}
