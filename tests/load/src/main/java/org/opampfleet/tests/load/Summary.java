/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a run's result for people: the same figures as the JSON result, in a few lines. */
final class Summary {
  private Summary() {}

  /** Prints the summary of a result made by {@link Coordinator#run()}. */
  @SuppressWarnings("unchecked")
  static void print(Map<String, Object> result, PrintStream out) {
    Map<String, Object> agents = (Map<String, Object>) result.get("agents");
    Map<String, Object> counters = (Map<String, Object>) result.get("counters");
    Map<String, Object> errors = (Map<String, Object>) result.get("errors");
    Map<String, Object> latency = (Map<String, Object>) result.get("latency");
    Map<String, Object> phases = (Map<String, Object>) result.get("phases");
    Map<String, Object> server = (Map<String, Object>) result.get("server");
    out.println();
    out.printf(
        Locale.ROOT,
        "=== summary: %s, %s agents against %s, %s s ===%n",
        result.get("scenario"),
        fmt(agents.get("target")),
        result.get("target"),
        result.get("seconds"));
    out.printf(
        Locale.ROOT,
        "agents      %s WebSocket, %s HTTP; connected at end %s%n",
        fmt(agents.get("websocket")),
        fmt(agents.get("http")),
        fmt(agents.get("connected_at_end")));
    Object connect = phases.get("connect");
    if (connect instanceof Map<?, ?> c) {
      out.printf(
          Locale.ROOT,
          "connect     %s connected in %s s (%s agents/s)%s%n",
          fmt(c.get("connected")),
          c.get("seconds"),
          c.get("agents_per_second"),
          Boolean.TRUE.equals(c.get("all_connected")) ? "" : "  NOT ALL CONNECTED");
    }
    out.printf(
        Locale.ROOT,
        "messages    sent %s, received %s; bytes out %s, in %s; heartbeats %s, polls %s, full"
            + " state requested %s%n",
        fmt(counters.get("messages_sent")),
        fmt(counters.get("messages_received")),
        fmt(counters.get("bytes_sent")),
        fmt(counters.get("bytes_received")),
        fmt(counters.get("heartbeats_sent")),
        fmt(counters.get("polls_sent")),
        fmt(counters.get("full_state_requested")));
    out.printf(
        Locale.ROOT,
        "config      received %s, applied %s, failed %s; health changes %s%n",
        fmt(counters.get("configs_received")),
        fmt(counters.get("configs_applied")),
        fmt(counters.get("configs_failed")),
        fmt(counters.get("health_changes")));
    out.printf(
        Locale.ROOT,
        "rejections  HTTP 503 %s, HTTP 429 %s, UNAVAILABLE %s; Retry-After honoured %s;"
            + " reconnects %s%n",
        fmt(counters.get("rejected_http_503")),
        fmt(counters.get("rejected_http_429")),
        fmt(counters.get("rejected_unavailable")),
        fmt(counters.get("retry_after_honoured")),
        fmt(counters.get("reconnects")));
    out.println("errors      " + (errors.isEmpty() ? "none" : errors.toString()));
    Object steady = phases.get("steady");
    if (steady instanceof Map<?, ?> s) {
      out.printf(
          Locale.ROOT,
          "steady      %s s: %s msgs/s sent, %s polls/s, %s health changes/s, late polls %s%n",
          s.get("seconds"),
          s.get("messages_sent_per_second"),
          s.get("polls_per_second"),
          s.get("health_changes_per_second"),
          fmt(s.get("late_polls")));
    }
    if (server.containsKey("metrics")) {
      out.println("server      " + server.get("metrics"));
    } else {
      out.printf(
          Locale.ROOT,
          "server      heap after GC %s -> %s = %s bytes/agent; RSS %s -> %s; CPU %s%% of one"
              + " core over %s s%n",
          fmt(server.get("baseline_heap_after_gc_bytes")),
          fmt(server.get("loaded_heap_after_gc_bytes")),
          fmt(server.get("heap_bytes_per_agent")),
          fmt(server.get("baseline_resident_bytes")),
          fmt(server.get("loaded_resident_bytes")),
          server.get("server_cpu_percent_of_one_core"),
          server.get("window_seconds"));
    }
    out.println("latency     (ms)           count      p50      p90      p99    p99.9      max");
    latency.forEach((name, summary) -> printLatency(out, name, (Map<String, Object>) summary));
    Object rollout = phases.get("rollout");
    if (rollout instanceof Map<?, ?> r) {
      for (Object run : (List<Object>) r.get("rollouts")) {
        Map<String, Object> m = (Map<String, Object>) run;
        out.printf(
            Locale.ROOT,
            "rollout %s   %s of %s agents reported; time to all: %s ms%n",
            m.get("rollout"),
            fmt(m.get("agents_reported")),
            fmt(m.get("agents_targeted")),
            m.get("time_to_all_reported_ms"));
        if (m.get("latency") instanceof Map<?, ?> l) {
          printLatency(out, "  rollout " + m.get("rollout"), (Map<String, Object>) l);
        }
      }
    }
    Object storm = phases.get("storm");
    if (storm instanceof Map<?, ?> st) {
      out.printf(
          Locale.ROOT,
          "storm       %s of %s back, time to all back %s ms; during storm %s; server peak heap %s%n",
          fmt(st.get("agents_back")),
          fmt(st.get("agents")),
          st.get("time_to_all_back_ms"),
          st.get("during_storm"),
          fmt(st.get("server_peak_heap_used_bytes")));
    }
    List<Object> limits = (List<Object>) result.get("limits_hit");
    if (!limits.isEmpty()) {
      out.println("LIMITS HIT:");
      limits.forEach(l -> out.println("  " + l));
    }
    List<Object> failures = (List<Object>) result.get("failures");
    if (!failures.isEmpty()) {
      out.println("FAILURES:");
      failures.forEach(f -> out.println("  " + f));
    }
    out.println(
        "result      "
            + (Boolean.TRUE.equals(result.get("complete"))
                ? "complete"
                : Integer.valueOf(Coordinator.EXIT_FAILED).equals(result.get("exit_code"))
                    ? "FAILED"
                    : "INCOMPLETE")
            + " (exit code "
            + result.get("exit_code")
            + ")");
    out.flush();
  }

  private static void printLatency(PrintStream out, String name, Map<String, Object> s) {
    out.printf(
        Locale.ROOT,
        "  %-20s %9s %8s %8s %8s %8s %8s%n",
        name,
        fmt(s.get("count")),
        s.getOrDefault("p50_ms", "-"),
        s.getOrDefault("p90_ms", "-"),
        s.getOrDefault("p99_ms", "-"),
        s.getOrDefault("p999_ms", "-"),
        s.getOrDefault("max_ms", "-"));
  }

  private static String fmt(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Long || value instanceof Integer) {
      return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
    }
    return String.valueOf(value);
  }
}
