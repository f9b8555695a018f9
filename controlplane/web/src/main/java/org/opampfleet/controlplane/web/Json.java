/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads request bodies and writes responses as JSON, with error messages that name the field.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Json() {}

  /** Writes a value as the JSON response. */
  static void write(Context ctx, int status, Object value) {
    try {
      ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write JSON", e);
    }
  }

  /** Writes a problem detail. */
  static void writeProblem(Context ctx, Problem problem) {
    try {
      ctx.status(problem.status())
          .contentType("application/problem+json")
          .result(MAPPER.writeValueAsString(problem.toJson(ctx.path())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a problem detail", e);
    }
  }

  /**
   * Reads the body as a JSON object with only the allowed members.
   *
   * @param allowed the members allowed; null allows any
   * @throws ApiException 415 if it is not sent as JSON, 400 if it is not a JSON object or has
   *     members not in {@code allowed}
   */
  static ObjectNode object(Context ctx, @Nullable Set<String> allowed) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
      throw new ApiException(ProblemMapper.byStatus(415, ""));
    }
    String body = ctx.body();
    if (body.isBlank()) {
      throw ApiException.badRequest("The request needs a JSON object as its body.");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(ProblemMapper.map(e, ""));
    }
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest("The body must be a JSON object ({ ... }).");
    }
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (allowed != null && !allowed.contains(name)) {
        throw ApiException.badRequest(
            "Unknown member \""
                + name
                + "\" in the body; expected only: "
                + String.join(", ", new java.util.TreeSet<>(allowed))
                + ".");
      }
    }
    return object;
  }

  /** Returns a string member, or null when absent or JSON null. */
  static @Nullable String string(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest("\"" + field + "\" must be a string.");
    }
    return value.asText();
  }

  /** Returns an integer member, or null when absent or JSON null. */
  static @Nullable Integer integer(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw ApiException.badRequest("\"" + field + "\" must be a whole number.");
    }
    return value.asInt();
  }

  /** Returns a member that maps strings to strings, or null when absent or JSON null. */
  static @Nullable Map<String, String> stringMap(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw ApiException.badRequest(
          "\"" + field + "\" must be an object of names to strings, e.g. {\"a\": \"b\"}.");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        throw ApiException.badRequest("\"" + field + "\"." + entry.getKey() + " must be a string.");
      }
      out.put(entry.getKey(), entry.getValue().asText());
    }
    return out;
  }
}
