/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the OpAMP Fleet control plane: {@code java -jar opampfleet-server.jar [options]}. */
@Command(
    name = "opampfleet-server",
    mixinStandardHelpOptions = true,
    versionProvider = ControlPlaneMain.Version.class,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Runs the OpAMP Fleet control plane: the OpAMP endpoint agents connect to, and the web UI and REST API.",
      "",
      "Every option can also be set in the YAML file given with --config (keys under 'opampfleet:'),",
      "or as an environment variable (OPAMPFLEET_ followed by the key in upper case with _ for . and -).",
      "Precedence: flags, then environment, then the file, then the defaults.",
      ""
    },
    footer = {"", "All configuration keys:", "%n%s"})
public final class ControlPlaneMain implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  private @Nullable Path configFile;

  @Option(
      names = "--opamp-port",
      paramLabel = "PORT",
      description = "OpAMP port for agents (default 4320; 0 = any free port).")
  private @Nullable Integer opampPort;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "Web UI and REST API port (default 4321; 0 = any free port).")
  private @Nullable Integer httpPort;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Data directory for the embedded database and the admin token (default ./data).")
  private @Nullable Path dataDir;

  @Option(
      names = "--database-url",
      paramLabel = "URL",
      description = "PostgreSQL JDBC URL; unset for the embedded H2 database.")
  private @Nullable String databaseUrl;

  @Option(
      names = "--local-development",
      description =
          "Serve the UI and API without credentials. For a laptop only, never a shared network.")
  private boolean localDevelopment;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new ControlPlaneMain());
    commandLine.getCommandSpec().usageMessage().footer(footer());
    System.exit(commandLine.execute(args));
  }

  @Override
  public Integer call() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Logger log = LoggerFactory.getLogger(ControlPlaneMain.class);
    Map<String, String> flags = new LinkedHashMap<>();
    if (opampPort != null) {
      flags.put("opamp.port", Integer.toString(opampPort));
    }
    if (httpPort != null) {
      flags.put("http.port", Integer.toString(httpPort));
    }
    if (dataDir != null) {
      flags.put("data-dir", dataDir.toString());
    }
    if (databaseUrl != null) {
      flags.put("database.url", databaseUrl);
    }
    if (localDevelopment) {
      flags.put("http.local-development", "true");
    }
    ControlPlaneConfig config;
    try {
      config = ControlPlaneConfig.load(configFile, System.getenv(), flags);
    } catch (ConfigException e) {
      System.err.println("opampfleet-server: " + e.getMessage());
      return 2;
    }
    ControlPlane controlPlane;
    try {
      controlPlane = ControlPlane.start(config, Version.current(), System.out);
    } catch (StartupException e) {
      log.error("OpAMP Fleet could not start: {}", e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  controlPlane.stop();
                  stopped.countDown();
                },
                "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static String footer() {
    StringBuilder text = new StringBuilder();
    for (Setting setting : Setting.ALL) {
      text.append(String.format("  %-28s %s%n", setting.key(), setting.description()));
      text.append(
          String.format(
              "  %-28s default: %s; env: %s%n",
              "",
              setting.defaultValue() == null ? "none" : setting.defaultValue(),
              setting.environmentVariable()));
    }
    return "\nAll configuration keys (YAML under 'opampfleet:'):\n" + text;
  }

  /** The server version, from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    static String current() {
      String version = ControlPlaneMain.class.getPackage().getImplementationVersion();
      return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"OpAMP Fleet server " + current()};
    }
  }
}
