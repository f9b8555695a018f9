/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.auth.ApiTokens;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.delivery.DeliveryService;
import org.opampfleet.controlplane.event.FleetEvents;
import org.opampfleet.controlplane.opamp.AgentAdmission;
import org.opampfleet.controlplane.opamp.OpampGateway;
import org.opampfleet.controlplane.opamp.OpampMessenger;
import org.opampfleet.controlplane.status.FleetView;
import org.opampfleet.controlplane.status.StatusRules;
import org.opampfleet.controlplane.status.StatusThresholds;
import org.opampfleet.controlplane.storage.jdbc.Database;
import org.opampfleet.opamp.protocol.wire.ServerCapability;
import org.opampfleet.opamp.server.OpampServer;
import org.opampfleet.opamp.server.netty.NettyTransport;
import org.opampfleet.opamp.server.netty.NettyTransportBuilder;
import org.opampfleet.opamp.server.netty.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running control plane: owns every part and the order they start and stop in.
 *
 * <p>Start: database (migrations), stores, inventory (loaded), configurations, tokens (the first
 * admin token on a fresh data directory), the OpAMP endpoint, the web UI and REST API, the
 * write-behind. Stop, the reverse: web first (no new changes), then agents closed in paced batches
 * over the grace period, then the last batch written, then the database closed.
 *
 * <p><b>Thread safety:</b> {@link #start} and {@link #stop} are for the main thread and the
 * shutdown hook; {@link #stop} may be called more than once.
 */
final class ControlPlane {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

  private final ControlPlaneConfig config;
  private final Database database;
  private final SelfTelemetry telemetry;
  private final ScheduledExecutorService storageThread;
  private final Inventory inventory;
  private final NettyTransport transport;
  private final WebFrontend web;
  private boolean stopped;

  private ControlPlane(
      ControlPlaneConfig config,
      Database database,
      SelfTelemetry telemetry,
      ScheduledExecutorService storageThread,
      Inventory inventory,
      NettyTransport transport,
      WebFrontend web) {
    this.config = config;
    this.database = database;
    this.telemetry = telemetry;
    this.storageThread = storageThread;
    this.inventory = inventory;
    this.transport = transport;
    this.web = web;
  }

  /**
   * Starts everything.
   *
   * @param console where the one-time admin token is printed
   * @throws StartupException with a message for people when a part cannot start
   */
  static ControlPlane start(ControlPlaneConfig config, String version, PrintStream console)
      throws StartupException {
    Clock clock = Clock.systemUTC();
    Path dataDir = config.path("data-dir");
    Database database = openDatabase(config, dataDir);
    SelfTelemetry telemetry = null;
    ScheduledExecutorService storageThread = null;
    NettyTransport transport = null;
    try {
      telemetry =
          new SelfTelemetry(
              version,
              config.optional("telemetry.otlp-endpoint"),
              config.duration("telemetry.export-interval"));
      FleetEvents events = new FleetEvents();
      Inventory inventory = new Inventory(database.agents(), events, clock);
      inventory.load();
      ConfigService configs = new ConfigService(database.configs(), events, clock);
      ApiTokens tokens = new ApiTokens(database.tokens(), clock);
      try {
        AdminToken.createIfNone(tokens, dataDir, console);
      } catch (IOException e) {
        throw new StartupException(
            "cannot write the admin token to " + dataDir + ": " + e.getMessage(), e);
      }

      OpampMessenger messenger = new OpampMessenger();
      DeliveryService delivery = new DeliveryService(inventory, configs, messenger);
      FleetView view =
          new FleetView(inventory, configs, new StatusRules(clock, StatusThresholds.DEFAULTS));
      AgentAdmission admission =
          config.has("opamp.enrollment-token")
              ? AgentAdmission.enrollmentToken(config.string("opamp.enrollment-token"))
              : AgentAdmission.open();
      OpampGateway gateway = new OpampGateway(inventory, configs, delivery, messenger, admission);
      OpampServer server =
          OpampServer.builder()
              .callbacks(gateway)
              .capabilities(
                  EnumSet.of(
                      ServerCapability.OFFERS_REMOTE_CONFIG,
                      ServerCapability.ACCEPTS_EFFECTIVE_CONFIG,
                      ServerCapability.OFFERS_CONNECTION_SETTINGS))
              .idleTimeout(config.duration("opamp.idle-timeout"))
              .openTelemetry(telemetry.openTelemetry())
              .build();
      messenger.bind(server);
      events.subscribe(gateway::onFleetEvent);
      transport = transport(config, server, telemetry).build();
      try {
        transport.start();
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new StartupException(e.getMessage(), e);
      }

      storageThread =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "storage-writer");
                t.setDaemon(true);
                return t;
              });
      inventory.startWriteBehind(storageThread, config.duration("storage.flush-interval"));
      telemetry.observe(inventory, view::summary);

      String opampUrl =
          (config.has("opamp.tls.certificate") ? "wss" : "ws")
              + "://"
              + advertisedHost(config.string("opamp.host"))
              + ":"
              + transport.localAddress().getPort()
              + config.string("opamp.path");
      SelfTelemetry metrics = telemetry;
      WebFrontend web =
          WebFrontend.start(
              config,
              version,
              opampUrl,
              new WebFrontend.Services(
                  inventory,
                  configs,
                  delivery,
                  view,
                  tokens,
                  events,
                  clock,
                  database::isHealthy,
                  metrics::scrape));
      LOG.info(
          "OpAMP Fleet {} is running: agents connect to {} (and {}), web UI and REST API on http://{}:{}/, data in {}{}",
          version,
          opampUrl,
          opampUrl.replaceFirst("^ws", "http"),
          advertisedHost(config.string("http.host")),
          web.port(),
          dataDir.toAbsolutePath().normalize(),
          config.has("database.url") ? " (PostgreSQL database)" : "");
      return new ControlPlane(
          config, database, telemetry, storageThread, inventory, transport, web);
    } catch (StartupException | RuntimeException e) {
      if (transport != null) {
        transport.close();
      }
      if (storageThread != null) {
        storageThread.shutdownNow();
      }
      if (telemetry != null) {
        telemetry.close();
      }
      database.close();
      if (e instanceof StartupException startup) {
        throw startup;
      }
      throw new StartupException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  /** Returns the OpAMP port (useful with port 0). */
  int opampPort() {
    return transport.localAddress().getPort();
  }

  /** Returns the web port (useful with port 0). */
  int httpPort() {
    return web.port();
  }

  /** Returns the inventory. */
  Inventory inventory() {
    return inventory;
  }

  /** Stops everything in order; returns when done. */
  synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.info("OpAMP Fleet is shutting down");
    web.stop();
    transport.stop(config.duration("shutdown.grace-period"));
    inventory.stopWriteBehind();
    storageThread.shutdown();
    try {
      storageThread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    telemetry.close();
    database.close();
    LOG.info("OpAMP Fleet stopped; everything was written to the database");
  }

  private static Database openDatabase(ControlPlaneConfig config, Path dataDir)
      throws StartupException {
    try {
      if (config.has("database.url")) {
        return Database.postgresql(
            config.string("database.url"),
            config.optional("database.user") == null ? "" : config.string("database.user"),
            config.optional("database.password") == null ? "" : config.string("database.password"));
      }
      return Database.h2(dataDir);
    } catch (RuntimeException e) {
      throw new StartupException(
          "cannot open the database"
              + (config.has("database.url") ? "" : " in " + dataDir.toAbsolutePath().normalize())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static NettyTransportBuilder transport(
      ControlPlaneConfig config, OpampServer server, SelfTelemetry telemetry) {
    double acceptRate = config.decimal("opamp.accept-rate");
    int acceptBurst = config.integer("opamp.accept-burst");
    if (!(acceptRate > 0)) {
      throw new IllegalArgumentException(
          "opamp.accept-rate must be more than 0 connections per second (got " + acceptRate + ")");
    }
    if (acceptBurst < 1) {
      throw new IllegalArgumentException(
          "opamp.accept-burst must be at least 1 connection (got " + acceptBurst + ")");
    }
    NettyTransportBuilder builder =
        NettyTransport.builder(server)
            .host(config.string("opamp.host"))
            .port(config.integer("opamp.port"))
            .path(config.string("opamp.path"))
            .maxConnections(config.integer("opamp.max-connections"))
            .acceptRate(acceptRate, acceptBurst)
            .openTelemetry(telemetry.openTelemetry());
    if (config.integer("opamp.io-threads") > 0) {
      builder.ioThreads(config.integer("opamp.io-threads"));
    }
    if (config.has("opamp.tls.certificate")) {
      Path certificate = config.path("opamp.tls.certificate");
      Path key = config.path("opamp.tls.private-key");
      @Nullable Path clientCa =
          config.has("opamp.tls.client-ca") ? config.path("opamp.tls.client-ca") : null;
      builder
          .tls(
              new TlsSettings(
                  certificate,
                  key,
                  clientCa,
                  clientCa == null
                      ? TlsSettings.ClientAuth.NONE
                      : config.string("opamp.tls.client-auth").equals("optional")
                          ? TlsSettings.ClientAuth.OPTIONAL
                          : TlsSettings.ClientAuth.REQUIRE))
          .certificateReloadInterval(Duration.ofMinutes(1));
    }
    return builder;
  }

  private static String advertisedHost(String bind) {
    return bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind;
  }
}
