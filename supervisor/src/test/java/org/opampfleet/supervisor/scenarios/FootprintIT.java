/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.scenarios;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the supervisor's footprint (issue #6: under 64 MiB resident and under one second to the
 * first report): time from launching {@code target/opampfleet-supervisor} to the upstream server
 * receiving its first message, on a first start (bootstrap runs the collector) and on a restart
 * (bootstrap cache), and the resident set size (VmRSS) once the collector runs a remote config. Off
 * by default; run with {@code -Dsupervisor.footprint=true} (extra JVM options in {@code
 * -Dsupervisor.footprint.opts}). Results go to {@code target/footprint.txt}; see RESULTS.md.
 */
class FootprintIT {
  private static final int RUNS = Integer.getInteger("supervisor.footprint.runs", 5);

  @TempDir Path work;

  @Test
  void measuresStartUpTimeAndResidentMemory() throws Exception {
    assumeTrue(Boolean.getBoolean("supervisor.footprint"), "set -Dsupervisor.footprint=true");
    String opts = System.getProperty("supervisor.footprint.opts", "");
    String cds = System.getProperty("supervisor.footprint.cds", "auto");
    boolean plain = Boolean.getBoolean("supervisor.footprint.plain");
    List<String> lines = new ArrayList<>();
    lines.add(
        "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    lines.add(
        (plain
                ? "plain java -jar (no launcher)"
                : "launcher target/opampfleet-supervisor, SUPERVISOR_CDS=" + cds)
            + ", extra options: "
            + (opts.isEmpty() ? "(none)" : opts));
    try (ScriptedUpstream upstream = new ScriptedUpstream()) {
      upstream.start();
      List<Double> cold = new ArrayList<>();
      List<Double> warm = new ArrayList<>();
      List<Long> rss = new ArrayList<>();
      List<Long> pss = new ArrayList<>();
      List<Long> anon = new ArrayList<>();
      for (int run = 0; run < RUNS; run++) {
        Path dir = Files.createDirectories(work.resolve("run" + run));
        Path config = config(upstream, dir);
        for (int restart = 0; restart < 2; restart++) {
          upstream.forgetAgents();
          long launched = System.nanoTime();
          try (SupervisorProcess supervisor =
              plain
                  ? SupervisorProcess.startPlain(config, dir.resolve("supervisor.log"))
                  : SupervisorProcess.start(
                      config,
                      dir.resolve("supervisor.log"),
                      Map.of("SUPERVISOR_JAVA_OPTS", opts, "SUPERVISOR_CDS", cds))) {
            String uid =
                await()
                    .atMost(Duration.ofSeconds(60))
                    .until(upstream::agentIds, ids -> !ids.isEmpty())
                    .get(0);
            double seconds = (upstream.firstContactNanos(uid) - launched) / 1e9;
            (restart == 0 ? cold : warm).add(seconds);
            if (restart == 1) {
              int port = TestBinaries.freePort();
              String hash =
                  upstream.offerConfig(uid, Map.of("", SupervisorScenarios.pipeline(port)));
              await()
                  .atMost(Duration.ofSeconds(60))
                  .until(
                      () -> upstream.agent(uid).orElseThrow().remoteConfigStatus(),
                      s -> s != null && s.hash().equals(hash) && s.status().equals("APPLIED"));
              // Let start-up garbage settle, as on a host after a minute.
              long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
              await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() > until);
              rss.add(field(Path.of("/proc/" + supervisor.pid() + "/status"), "VmRSS:"));
              anon.add(field(Path.of("/proc/" + supervisor.pid() + "/status"), "RssAnon:"));
              pss.add(field(Path.of("/proc/" + supervisor.pid() + "/smaps_rollup"), "Pss:"));
            }
            supervisor.stop();
          }
        }
      }
      lines.add(
          String.format(
              Locale.ROOT, "first report, first start (bootstrap): %s", stats(cold, "s")));
      lines.add(
          String.format(
              Locale.ROOT, "first report, restart (bootstrap cache): %s", stats(warm, "s")));
      lines.add(
          String.format(
              Locale.ROOT, "VmRSS with the collector running: %s", stats(mib(rss), "MiB")));
      lines.add(
          String.format(Locale.ROOT, "  of which RssAnon (private): %s", stats(mib(anon), "MiB")));
      lines.add(
          String.format(Locale.ROOT, "Pss (shared pages divided): %s", stats(mib(pss), "MiB")));
    }
    Files.write(
        Path.of("target", "footprint.txt"),
        lines,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    lines.forEach(System.out::println);
  }

  private static String stats(List<Double> values, String unit) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    double median = sorted.get(sorted.size() / 2);
    return String.format(
        Locale.ROOT,
        "median %.3f %s, min %.3f, max %.3f (n=%d) %s",
        median,
        unit,
        sorted.get(0),
        sorted.get(sorted.size() - 1),
        sorted.size(),
        values);
  }

  private static List<Double> mib(List<Long> kib) {
    List<Double> out = new ArrayList<>();
    for (long k : kib) {
      out.add(k / 1024.0);
    }
    return out;
  }

  private static long field(Path file, String name) throws IOException {
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static Path config(ScriptedUpstream upstream, Path dir) throws IOException {
    Path local = dir.resolve("local.yaml");
    Files.writeString(
        local,
        "processors:\n  batch: {}\nservice:\n  telemetry:\n    metrics:\n      level: none\n");
    Path file = dir.resolve("supervisor.yaml");
    Files.writeString(
        file,
        "server:\n  endpoint: "
            + upstream.endpoint()
            + "\ncapabilities:\n  accepts_remote_config: true\n  reports_remote_config: true\n"
            + "  reports_available_components: true\n"
            + "agent:\n  executable: "
            + TestBinaries.fakeCollector()
            + "\n  config_files: ["
            + local
            + "]\n  config_apply_settle_time: 500ms\n  config_apply_timeout: 20s\n  bootstrap_timeout: 15s\n"
            + "storage:\n  directory: "
            + dir.resolve("storage")
            + "\ntelemetry:\n  logs:\n    encoding: console\n");
    return file;
  }
}
