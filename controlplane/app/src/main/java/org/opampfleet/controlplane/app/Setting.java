/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One configuration key of the control plane: its YAML path under {@code opampfleet:}, its
 * environment variable, its default and what it means.
 *
 * @param key the dotted YAML path, e.g. {@code opamp.port}
 * @param type how the value is read
 * @param defaultValue the default as text; null for none
 * @param description one sentence for {@code --help} and errors
 */
record Setting(String key, Type type, @Nullable String defaultValue, String description) {

  /** Kinds of values. */
  enum Type {
    STRING,
    INT,
    BOOLEAN,
    PATH,
    DURATION,
    DECIMAL,
    SECRET
  }

  /** Returns the environment variable, e.g. {@code OPAMPFLEET_OPAMP_PORT}. */
  String environmentVariable() {
    return "OPAMPFLEET_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Every key, in the order {@code --help} lists them. */
  static final List<Setting> ALL =
      List.of(
          new Setting(
              "data-dir",
              Type.PATH,
              "./data",
              "Where the embedded database and the admin token are kept."),
          new Setting("opamp.host", Type.STRING, "0.0.0.0", "Address the OpAMP listener binds."),
          new Setting(
              "opamp.port",
              Type.INT,
              "4320",
              "OpAMP port for WebSocket and plain-HTTP agents; 0 picks a free one."),
          new Setting("opamp.path", Type.STRING, "/v1/opamp", "URL path of the OpAMP endpoint."),
          new Setting(
              "opamp.io-threads",
              Type.INT,
              "0",
              "OpAMP event-loop threads; 0 means one per processor."),
          new Setting(
              "opamp.idle-timeout",
              Type.DURATION,
              "75s",
              "Close agents silent for longer than this (2.5 x the 30 s heartbeat)."),
          new Setting(
              "opamp.max-connections",
              Type.INT,
              "100000",
              "Most agent connections open at once; more get 503 with Retry-After."),
          new Setting(
              "opamp.accept-rate",
              Type.DECIMAL,
              "2000",
              "New agent connections admitted per second; more are asked to retry later."),
          new Setting(
              "opamp.accept-burst",
              Type.INT,
              "20000",
              "New agent connections admitted at once above the rate (a restart's reconnects)."),
          new Setting(
              "opamp.enrollment-token",
              Type.SECRET,
              null,
              "When set, agents must send 'Authorization: Bearer <token>'."),
          new Setting(
              "opamp.tls.certificate",
              Type.PATH,
              null,
              "PEM certificate chain; enables wss:// and https:// for agents."),
          new Setting(
              "opamp.tls.private-key",
              Type.PATH,
              null,
              "PEM (PKCS#8) private key of the certificate."),
          new Setting(
              "opamp.tls.client-ca",
              Type.PATH,
              null,
              "PEM CA that signs agents' client certificates; enables mTLS."),
          new Setting(
              "opamp.tls.client-auth",
              Type.STRING,
              "require",
              "With a client CA: 'require' or 'optional' client certificates."),
          new Setting("http.host", Type.STRING, "0.0.0.0", "Address the web UI and REST API bind."),
          new Setting(
              "http.port",
              Type.INT,
              "4321",
              "Port of the web UI and REST API; 0 picks a free one."),
          new Setting(
              "http.local-development",
              Type.BOOLEAN,
              "false",
              "Serve the UI and API without credentials. Never on a shared network."),
          new Setting(
              "database.url",
              Type.STRING,
              null,
              "JDBC URL of a PostgreSQL database; unset for the embedded H2 database in data-dir."),
          new Setting("database.user", Type.STRING, null, "PostgreSQL user."),
          new Setting("database.password", Type.SECRET, null, "PostgreSQL password."),
          new Setting(
              "storage.flush-interval",
              Type.DURATION,
              "1s",
              "How often agent status changes are written to the database."),
          new Setting(
              "telemetry.otlp-endpoint",
              Type.STRING,
              null,
              "OTLP/HTTP base URL to export the server's own metrics to, e.g. http://collector:4318."),
          new Setting(
              "telemetry.export-interval",
              Type.DURATION,
              "30s",
              "How often own metrics are exported over OTLP."),
          new Setting(
              "shutdown.grace-period",
              Type.DURATION,
              "10s",
              "How long a shutdown spreads closing agent connections over."));

  /** Returns the setting with this key, if any. */
  static @Nullable Setting find(String key) {
    for (Setting setting : ALL) {
      if (setting.key.equals(key)) {
        return setting;
      }
    }
    return null;
  }
}
