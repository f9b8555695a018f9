/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.ArrayList;
import java.util.List;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback in code, without XML (faster start, nothing to misconfigure): until the
 * supervisor's file is read, info and above (or the level of the system property {@code
 * opampfleet.supervisor.startupLogLevel}) go to stderr in the console encoding; then {@link #apply}
 * sets the level, encoding and outputs of {@code telemetry.logs}. Netty's own logs are kept at
 * warn.
 *
 * <p>Registered as Logback's {@link Configurator} through {@code META-INF/services}.
 *
 * <p><b>Thread safety:</b> {@link #apply} may be called from any thread; Logback reconfigures
 * atomically enough for a start-up step.
 */
public final class SupervisorLogging extends ContextAwareBase implements Configurator {

  /** Called by Logback itself at first use. */
  public SupervisorLogging() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    install(
        context,
        Level.toLevel(System.getProperty("opampfleet.supervisor.startupLogLevel"), Level.INFO),
        "console",
        List.of("stderr"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Applies {@code telemetry.logs}. */
  public static void apply(SupervisorConfig.Logs logs) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Level level =
        switch (logs.level()) {
          case "debug" -> Level.DEBUG;
          case "info" -> Level.INFO;
          case "warn" -> Level.WARN;
          default -> Level.ERROR;
        };
    install(context, level, logs.encoding(), logs.outputPaths());
  }

  private static void install(
      LoggerContext context, Level level, String encoding, List<String> outputs) {
    context.reset();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    for (String output : outputs) {
      LogLineEncoder encoder = new LogLineEncoder(encoding);
      encoder.setContext(context);
      encoder.start();
      if (output.equals("stdout") || output.equals("stderr")) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget(output.equals("stdout") ? "System.out" : "System.err");
        console.setEncoder(encoder);
        console.setName(output);
        appenders.add(console);
      } else {
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(output);
        file.setAppend(true);
        file.setEncoder(encoder);
        file.setName(output);
        appenders.add(file);
      }
    }
    for (Appender<ILoggingEvent> appender : appenders) {
      appender.setContext(context);
      appender.start();
      root.addAppender(appender);
    }
    context.getLogger("io.netty").setLevel(Level.WARN);
    context
        .getLogger("org.opampfleet.opamp")
        .setLevel(level.isGreaterOrEqual(Level.INFO) ? Level.WARN : level);
    context.getLogger("collector").setLevel(Level.INFO);
  }
}
