/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.agent;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.KeyValue;

/**
 * Agent-reported attribute values as text, one notation everywhere the control plane shows them
 * (description attributes, health attributes, component metadata): strings as they are, other kinds
 * compact ({@code 8}, {@code true}, {@code [a, b]}, {@code {k: v}}, bytes in Base64).
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class AttributeText {
  private AttributeText() {}

  /** Returns the pairs as text, in the order given; a repeated key keeps its last value. */
  public static Map<String, String> of(List<KeyValue> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : pairs) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return out;
  }

  /** Returns one value as text. */
  public static String text(AnyValue value) {
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
}
