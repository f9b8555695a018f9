/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * Judges a generic agent's health over HTTP: healthy when {@code GET url} answers 2xx within the
 * timeout.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe. {@link #check()} blocks up to twice the timeout.
 */
public final class HealthProbe {
  private final URI url;
  private final Duration timeout;

  /** Creates a probe of {@code url}. */
  public HealthProbe(URI url, Duration timeout) {
    this.url = url;
    this.timeout = timeout;
  }

  /**
   * The outcome of one check.
   *
   * @param healthy whether the agent answered 2xx
   * @param detail the status line or the error, for {@code last_error}
   */
  public record Result(boolean healthy, String detail) {}

  /** Checks once. */
  public Result check() {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) url.toURL().openConnection();
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setInstanceFollowRedirects(false);
      int status = connection.getResponseCode();
      try (InputStream body =
          status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
        if (body != null) {
          body.readNBytes(4096);
        }
      }
      boolean ok = status >= 200 && status < 300;
      return new Result(ok, "health probe " + url + " answered " + status);
    } catch (IOException e) {
      return new Result(false, "health probe " + url + " failed: " + e.getMessage());
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }
}
