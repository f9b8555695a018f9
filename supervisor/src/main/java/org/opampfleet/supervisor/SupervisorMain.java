/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.opampfleet.supervisor.config.ConfigException;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.opampfleet.supervisor.telemetry.SupervisorLogging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's command line:
 *
 * <pre>
 * opampfleet-supervisor --config supervisor.yaml            run
 * opampfleet-supervisor --config supervisor.yaml --validate check the file and exit
 * opampfleet-supervisor --version
 * </pre>
 *
 * <p>{@code --feature-gates} is accepted for compatibility with the Go supervisor's command line
 * (its only gate enables supervisor extensions, which this supervisor does not have). SIGTERM and
 * SIGINT stop the supervisor and its collector. Exit codes: 0 after a clean stop or a valid {@code
 * --validate}, 1 when the configuration is refused or start-up fails, 2 for a bad command line.
 *
 * <p><b>Thread safety:</b> the entry point; not for use as a library.
 */
public final class SupervisorMain {
  private SupervisorMain() {}

  /** Runs the command line. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String configFile = null;
    boolean validateOnly = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--config", "-config" -> {
          if (i + 1 >= args.length) {
            err.println("Error: --config needs a file (usage: --config supervisor.yaml)");
            return 2;
          }
          configFile = args[++i];
        }
        case "--validate" -> validateOnly = true;
        case "--feature-gates" -> {
          if (i + 1 >= args.length) {
            err.println("Error: --feature-gates needs a value");
            return 2;
          }
          i++;
        }
        case "--version" -> {
          String version = SupervisorMain.class.getPackage().getImplementationVersion();
          out.println("opampfleet-supervisor " + (version == null ? "dev" : version));
          return 0;
        }
        case "--help", "-h" -> {
          out.println(
              "Usage: opampfleet-supervisor --config <supervisor.yaml> [--validate]\n"
                  + "Runs an OpenTelemetry Collector under OpAMP management; see supervisor/README.md.");
          return 0;
        }
        default -> {
          if (arg.startsWith("--config=")) {
            configFile = arg.substring("--config=".length());
          } else if (arg.startsWith("--feature-gates=")) {
            // Accepted for compatibility; see the class comment.
          } else {
            err.println(
                "Error: unknown argument " + arg + " (expected: --config <file>, --validate)");
            return 2;
          }
        }
      }
    }
    if (configFile == null) {
      err.println("Error: --config is required (usage: --config supervisor.yaml)");
      return 2;
    }
    SupervisorConfig config;
    try {
      config = SupervisorConfig.load(Path.of(configFile), System::getenv);
    } catch (ConfigException e) {
      err.println("Error: invalid supervisor config " + configFile + ": " + e.getMessage());
      return 1;
    }
    if (config.server().tls().insecureSkipVerify()) {
      // Must be set before the JDK HTTP client initialises.
      System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }
    SupervisorLogging.apply(config.telemetry().logs());
    Logger log = LoggerFactory.getLogger(SupervisorMain.class);
    for (String warning : config.warnings()) {
      log.warn(warning);
    }
    if (config.server().tls().insecureSkipVerify()) {
      log.warn("server::tls::insecure_skip_verify is on: the server's certificate is not checked");
    }
    if (validateOnly) {
      out.println("The supervisor config " + configFile + " is valid.");
      return 0;
    }
    Supervisor supervisor;
    try {
      supervisor = Supervisor.start(config);
    } catch (ConfigException e) {
      log.error("Invalid supervisor config: {}", e.getMessage());
      err.println("Error: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      log.error("The supervisor could not start: {}", e.getMessage(), e);
      err.println("Error: the supervisor could not start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  supervisor.close();
                  stopped.countDown();
                },
                "supervisor-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
