/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code serve} subcommand: runs the bench server (our OpAMP server library) or, with {@code
 * --floor}, the bare Netty WebSocket floor, until interrupted or {@code --stop-after} passes.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 110,
    description = {
      "Runs a server to measure: by default our OpAMP server library (OpampServer on"
          + " NettyTransport) with a minimal in-memory application that keeps each agent's status"
          + " in a ConcurrentHashMap and offers the current remote config; with --floor, a bare"
          + " Netty WebSocket server that answers every binary message with a small constant one"
          + " (the floor, no OpAMP logic).",
      "",
      "Admin endpoint (--admin-port): GET /metrics[?gc=true] (Prometheus text: heap, heap after"
          + " GC, CPU time, RSS, open files, connected agents), POST /rollout[?bytes=N] (pushes a"
          + " new remote config to every connected agent), POST /restart[?downtime=1s] (bench"
          + " server only: closes every connection and listens again), GET /health.",
      "",
      "Stops on Ctrl-C / SIGTERM or after --stop-after."
    })
public final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  private String host = "127.0.0.1";

  @Option(
      names = "--port",
      defaultValue = "4320",
      description = "OpAMP port (WebSocket and HTTP on /v1/opamp). Default: ${DEFAULT-VALUE}.")
  private int port;

  @Option(
      names = "--admin-port",
      defaultValue = "4321",
      description = "Admin port (/metrics, /rollout, /restart). Default: ${DEFAULT-VALUE}.")
  private int adminPort;

  @Option(
      names = "--io-threads",
      description = "Event-loop threads. Default: the number of processors.")
  private int ioThreads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--floor",
      description = "Run the bare Netty WebSocket floor instead of our OpAMP server.")
  private boolean floor;

  @Option(
      names = "--max-connections",
      defaultValue = "100000",
      description =
          "Connection limit of our transport (503 + Retry-After above). Default: ${DEFAULT-VALUE}.")
  private int maxConnections;

  @Option(
      names = "--accept-rate",
      defaultValue = "2000",
      description =
          "New connections admitted per second by our transport. Default: ${DEFAULT-VALUE}.")
  private double acceptRate;

  @Option(
      names = "--accept-burst",
      defaultValue = "20000",
      description = "New connections admitted at once by our transport. Default: ${DEFAULT-VALUE}.")
  private int acceptBurst;

  @Option(
      names = "--retry-after",
      defaultValue = "30",
      description =
          "Seconds rejected agents are told to wait (Retry-After, retry_info). Default: ${DEFAULT-VALUE}.")
  private long retryAfterSeconds;

  @Option(
      names = "--idle-timeout",
      defaultValue = "75",
      description =
          "Seconds an agent may stay silent before it is dropped. Default: ${DEFAULT-VALUE}.")
  private long idleTimeoutSeconds;

  @Option(
      names = "--config-bytes",
      defaultValue = "1024",
      description =
          "Size of a rollout's config unless /rollout?bytes= says otherwise. Default: ${DEFAULT-VALUE}.")
  private int configBytes;

  @Option(
      names = "--registry",
      defaultValue = "full",
      description =
          "What the bench application keeps per agent: full (description, health, effective config"
              + " hash, remote config status, like a control plane) or minimal (remote config"
              + " status only: the OpAMP library's own cost). Default: ${DEFAULT-VALUE}.")
  private ServeSettings.Registry registry = ServeSettings.Registry.FULL;

  @Option(
      names = "--stop-after",
      defaultValue = "0",
      description =
          "Stop after this many seconds; 0 runs until interrupted. Default: ${DEFAULT-VALUE}.")
  private long stopAfterSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ServeSettings settings =
        new ServeSettings(
            host,
            port,
            adminPort,
            ioThreads,
            maxConnections,
            acceptRate,
            acceptBurst,
            Duration.ofSeconds(retryAfterSeconds),
            Duration.ofSeconds(idleTimeoutSeconds),
            configBytes,
            registry);
    AutoCloseable running;
    InetSocketAddress opamp;
    InetSocketAddress admin;
    try {
      if (floor) {
        FloorServer server = new FloorServer(settings);
        server.start();
        running = server;
        opamp = server.opampAddress();
        admin = server.adminAddress();
      } else {
        BenchServer server = new BenchServer(settings);
        server.start();
        running = server;
        opamp = server.opampAddress();
        admin = server.adminAddress();
      }
    } catch (IllegalStateException | IOException e) {
      throw new CommandLine.ExecutionException(
          new CommandLine(this),
          "cannot start the " + (floor ? "floor" : "bench server") + ": " + e.getMessage(),
          e);
    }
    System.out.printf(
        "%s listening on ws://%s:%d/v1/opamp (HTTP too), admin http://%s:%d (pid %d)%n",
        floor ? "floor (bare Netty WebSocket)" : "bench server (OpAMP server library)",
        opamp.getHostString(),
        opamp.getPort(),
        admin.getHostString(),
        admin.getPort(),
        ProcessHandle.current().pid());
    System.out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (stopAfterSeconds > 0) {
      stop.await(stopAfterSeconds, TimeUnit.SECONDS);
    } else {
      stop.await();
    }
    try {
      running.close();
    } catch (Exception e) {
      System.err.println("error while stopping: " + e);
    }
    return 0;
  }
}
