/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.opampfleet.controlplane.agent.Inventory;
import org.opampfleet.controlplane.auth.ApiTokens;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.delivery.DeliveryService;
import org.opampfleet.controlplane.event.FleetEvents;
import org.opampfleet.controlplane.status.FleetView;
import org.opampfleet.controlplane.web.AuthMode;
import org.opampfleet.controlplane.web.ServerInfo;
import org.opampfleet.controlplane.web.WebServer;
import org.opampfleet.controlplane.web.WebServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI and REST API of a running control plane.
 *
 * <p><b>Thread safety:</b> start once, stop once.
 */
final class WebFrontend {
  private static final Logger LOG = LoggerFactory.getLogger(WebFrontend.class);

  /** What the web layer is given. */
  record Services(
      Inventory inventory,
      ConfigService configs,
      DeliveryService delivery,
      FleetView view,
      ApiTokens tokens,
      FleetEvents events,
      Clock clock,
      BooleanSupplier databaseHealthy,
      Supplier<String> metrics) {}

  private final WebServer server;

  private WebFrontend(WebServer server) {
    this.server = server;
  }

  static WebFrontend start(
      ControlPlaneConfig config, String version, String opampEndpoint, Services services) {
    boolean development = config.bool("http.local-development");
    if (development) {
      LOG.warn(
          "LOCAL DEVELOPMENT MODE: the web UI and REST API accept requests without credentials."
              + " Never run like this on an address others can reach.");
    }
    WebServer server =
        WebServer.builder()
            .services(
                new WebServices(
                    services.inventory(),
                    services.configs(),
                    services.delivery(),
                    services.view(),
                    services.tokens(),
                    services.events(),
                    services.clock()))
            .host(config.string("http.host"))
            .port(config.integer("http.port"))
            .authMode(development ? AuthMode.LOCAL_DEVELOPMENT : AuthMode.TOKENS)
            .serverInfo(new ServerInfo(version, opampEndpoint))
            .metrics(services.metrics())
            .build();
    server.start();
    return new WebFrontend(server);
  }

  int port() {
    return server.port();
  }

  void stop() {
    server.stop();
  }
}
