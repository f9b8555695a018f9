/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import java.time.Instant;
import org.opampfleet.opamp.protocol.AnyValue;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.KeyValue;

/**
 * The health the supervisor reports on the collector's behalf when the collector cannot (HL-02 to
 * HL-05): while it starts, after it exited, in a crash loop, when it is deliberately stopped, and
 * when the supervisor shuts down. {@code start_time_unix_nano} is 0 whenever no process runs
 * (HL-03), and {@code last_error} is set whenever it is unhealthy (HL-04).
 *
 * <p>Status strings: {@code StatusStarting}, {@code StatusFatalError} (exited unexpectedly), {@code
 * CrashLoop}, {@code StatusStopped} (deliberately not running), {@code StatusRecoverableError}
 * (generic agent's probe failing), {@code StatusOK}.
 *
 * <p><b>Thread safety:</b> stateless; thread-safe.
 */
final class HealthReports {
  static final String STARTING = "StatusStarting";
  static final String EXITED = "StatusFatalError";
  static final String CRASH_LOOP = "CrashLoop";
  static final String STOPPED = "StatusStopped";
  static final String OK = "StatusOK";
  static final String RECOVERABLE = "StatusRecoverableError";

  private HealthReports() {}

  static ComponentHealth starting(Instant processStart, Instant now, String detail) {
    return ComponentHealth.newBuilder()
        .setHealthy(false)
        .setStatus(STARTING)
        .setLastError(detail)
        .setStartTimeUnixNano(nanos(processStart))
        .setStatusTimeUnixNano(nanos(now))
        .build();
  }

  static ComponentHealth exited(
      String status,
      String message,
      long pid,
      int exitCode,
      int attempt,
      long delayMillis,
      Instant now) {
    return ComponentHealth.newBuilder()
        .setHealthy(false)
        .setStatus(status)
        .setLastError(message)
        .setStartTimeUnixNano(0)
        .setStatusTimeUnixNano(nanos(now))
        .addAttributes(intAttribute("process.pid", pid))
        .addAttributes(intAttribute("process.exit_code", exitCode))
        .addAttributes(intAttribute("restart.attempt", attempt))
        .addAttributes(intAttribute("restart.delay_ms", delayMillis))
        .build();
  }

  static ComponentHealth unhealthy(
      String status, String message, Instant processStart, Instant now) {
    return ComponentHealth.newBuilder()
        .setHealthy(false)
        .setStatus(status)
        .setLastError(message)
        .setStartTimeUnixNano(processStart.equals(Instant.EPOCH) ? 0 : nanos(processStart))
        .setStatusTimeUnixNano(nanos(now))
        .build();
  }

  static ComponentHealth healthy(Instant processStart, Instant now) {
    return ComponentHealth.newBuilder()
        .setHealthy(true)
        .setStatus(OK)
        .setStartTimeUnixNano(nanos(processStart))
        .setStatusTimeUnixNano(nanos(now))
        .build();
  }

  static ComponentHealth stoppedOnPurpose(Instant now) {
    return ComponentHealth.newBuilder()
        .setHealthy(true)
        .setStatus(STOPPED)
        .setStartTimeUnixNano(0)
        .setStatusTimeUnixNano(nanos(now))
        .build();
  }

  static ComponentHealth shutdown(Instant now) {
    return ComponentHealth.newBuilder()
        .setHealthy(false)
        .setStatus("StatusStopping")
        .setLastError("Supervisor is shutdown")
        .setStartTimeUnixNano(0)
        .setStatusTimeUnixNano(nanos(now))
        .build();
  }

  static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static KeyValue intAttribute(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }
}
