/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

/** Thrown by request handlers to answer with a problem detail. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;

  ApiException(Problem problem) {
    super(problem.detail());
    this.problem = problem;
  }

  Problem problem() {
    return problem;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(Problem.of(400, "invalid-request", "The request is not valid", detail));
  }

  static ApiException notFound(String title, String detail) {
    return new ApiException(Problem.of(404, "not-found", title, detail));
  }

  static ApiException conflict(String slug, String title, String detail) {
    return new ApiException(Problem.of(409, slug, title, detail));
  }

  static ApiException unprocessable(String slug, String title, String detail) {
    return new ApiException(Problem.of(422, slug, title, detail));
  }
}
