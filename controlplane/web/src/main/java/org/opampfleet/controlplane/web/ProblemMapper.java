/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.HttpResponseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opampfleet.controlplane.config.ConfigConflictException;
import org.opampfleet.controlplane.config.ConfigProblem;
import org.opampfleet.controlplane.config.InvalidConfigException;
import org.opampfleet.controlplane.config.SelectorParseException;

/**
 * Turns every failure of a request into one {@link Problem}: the single mapping the REST API and
 * the UI's error pages share.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class ProblemMapper {
  private ProblemMapper() {}

  /**
   * Maps a failure. Unexpected exceptions become a 500 that names the request id, never the
   * exception's message or stack trace.
   */
  static Problem map(Exception e, String requestId) {
    if (e instanceof ApiException api) {
      return api.problem();
    }
    if (e instanceof InvalidConfigException invalid) {
      return invalidConfig(invalid.problems());
    }
    if (e instanceof SelectorParseException selector) {
      return invalidSelector(selector);
    }
    if (e instanceof ConfigConflictException conflict) {
      return Problem.of(
              409,
              "config-conflict",
              "The configuration changed since you started editing",
              conflict.getMessage())
          .with("latestVersion", conflict.latestVersion());
    }
    if (e instanceof JsonProcessingException json) {
      JsonLocation at = json.getLocation();
      String where =
          at == null || at.getLineNr() < 1
              ? ""
              : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      return Problem.of(
          400,
          "invalid-json",
          "The request body is not valid JSON",
          "The body could not be read as JSON" + where + ": " + json.getOriginalMessage());
    }
    if (e instanceof HttpResponseException http) {
      return byStatus(http.getStatus(), http.getMessage());
    }
    return Problem.of(
            500,
            "internal-error",
            "Something went wrong on the server",
            "The server could not complete the request. Retry it; if it keeps failing, report"
                + " request id "
                + requestId
                + " to the operators.")
        .with("requestId", requestId);
  }

  /** Returns a problem for an HTTP status without a more specific cause. */
  static Problem byStatus(int status, String message) {
    return switch (status) {
      case 400 -> Problem.of(400, "invalid-request", "The request is not valid", message);
      case 401 ->
          Problem.of(
              401,
              "unauthorized",
              "Sign-in required",
              "Send an API token as 'Authorization: Bearer <token>'.");
      case 403 -> Problem.of(403, "forbidden", "Not allowed", message);
      case 404 ->
          Problem.of(404, "not-found", "Not found", "There is nothing at this address in the API.");
      case 405 ->
          Problem.of(
              405,
              "method-not-allowed",
              "Method not allowed",
              "This address does not support that HTTP method.");
      case 413 ->
          Problem.of(
              413, "too-large", "The request is too large", "The request body is too large.");
      case 415 ->
          Problem.of(
              415,
              "unsupported-media-type",
              "Unsupported content type",
              "Send the body as JSON with 'Content-Type: application/json'.");
      default -> Problem.of(status, "http-" + status, "Request failed", message);
    };
  }

  /** Returns the problem for a configuration that cannot be saved, naming line and column. */
  static Problem invalidConfig(List<ConfigProblem> problems) {
    List<Map<String, Object>> errors = new ArrayList<>();
    List<Map<String, Object>> warnings = new ArrayList<>();
    String first = null;
    for (ConfigProblem p : problems) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("severity", p.severity().name().toLowerCase(java.util.Locale.ROOT));
      item.put("file", p.file());
      item.put("line", p.line());
      item.put("column", p.column());
      item.put("message", p.message());
      item.put("description", p.describe());
      if (p.severity() == ConfigProblem.Severity.ERROR) {
        errors.add(item);
        if (first == null) {
          first = p.describe();
        }
      } else {
        warnings.add(item);
      }
    }
    String detail =
        first == null
            ? "The configuration has errors."
            : errors.size() == 1 ? first : first + " (and " + (errors.size() - 1) + " more)";
    return Problem.of(400, "invalid-config", "The configuration has errors", detail)
        .with("errors", errors)
        .with("warnings", warnings);
  }

  /** Returns the problem for a selector that does not parse, naming the column. */
  static Problem invalidSelector(SelectorParseException e) {
    return Problem.of(
            400, "invalid-selector", "The selector is not valid", "Selector " + e.getMessage())
        .with("column", e.column());
  }
}
