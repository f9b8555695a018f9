/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.opampfleet.supervisor.link.ComponentLists;
import org.opampfleet.supervisor.process.CollectorCommands;
import org.opampfleet.supervisor.state.BootstrapCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns what the collector is before the first report (compat reference 2.1 steps 7 and 8): its
 * feature gates ({@code featuregate}), then a short run with the nop pipeline and the {@code opamp}
 * extension, which reports the agent description and the available components over the local link;
 * the {@code components} command fills in when the extension reports none.
 *
 * <p>BETTER than upstream: the result is cached ({@link BootstrapCache}) under a fingerprint of the
 * binary and its arguments, so later starts report at once; and a failed bootstrap does not stop
 * the supervisor (compat 7 #1): it goes on with a minimal description, reports why, and learns the
 * rest when the collector runs.
 *
 * <p><b>Thread safety:</b> used by the start-up thread only.
 */
final class Bootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
  private static final String ALLOW_NO_PIPELINES = "service.AllowNoPipelines";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private Bootstrap() {}

  /**
   * What was learned.
   *
   * @param featureGates the gates the collector lists
   * @param description its description, or null if it never described itself
   * @param components its components, or null
   * @param problem why bootstrap fell short, or empty
   */
  record Result(
      Set<String> featureGates,
      @Nullable AgentDescription description,
      @Nullable AvailableComponents components,
      String problem) {

    boolean allowNoPipelines() {
      return featureGates.contains(ALLOW_NO_PIPELINES);
    }
  }

  /** Returns a fingerprint of the binary (path, size, modification time) and its arguments. */
  static String fingerprint(SupervisorConfig.Agent agent) {
    StringBuilder text = new StringBuilder("v1\n");
    Path exe = agent.executable();
    text.append(exe).append('\n');
    try {
      text.append(Files.size(exe)).append('\n');
      text.append(Files.getLastModifiedTime(exe).toMillis()).append('\n');
    } catch (IOException e) {
      text.append("unreadable\n");
    }
    text.append(String.join("\u0000", agent.args())).append('\n');
    if (agent.env() != null) {
      new TreeMap<>(agent.env())
          .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    }
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Runs the feature-gate probe and the bootstrap run.
   *
   * @param writeConfig writes the bootstrap config to {@code effective.yaml}
   * @param messages where the local link delivers the collector's messages meanwhile
   * @throws IOException if the collector cannot even be started for the feature-gate probe
   */
  static Result run(
      SupervisorConfig config,
      InstanceUid uid,
      CollectorCommands commands,
      RunningAgent.Launcher launcher,
      Path effectiveConfig,
      java.util.function.Function<Boolean, String> bootstrapConfig,
      java.util.function.Consumer<String> writeConfig,
      BlockingQueue<AgentToServer> messages)
      throws IOException {
    Set<String> gates = commands.featureGates(COMMAND_TIMEOUT);
    boolean allowNoPipelines = gates.contains(ALLOW_NO_PIPELINES);
    writeConfig.accept(bootstrapConfig.apply(!allowNoPipelines));
    List<String> command = new ArrayList<>();
    command.add(config.agent().executable().toString());
    command.add("--config");
    command.add(effectiveConfig.toString());
    if (allowNoPipelines) {
      command.add("--feature-gates");
      command.add(ALLOW_NO_PIPELINES);
    }
    command.addAll(config.agent().args());
    AgentDescription description = null;
    AvailableComponents components = null;
    boolean componentsPending = false;
    boolean connected = false;
    String problem = "";
    long deadline = System.nanoTime() + config.agent().bootstrapTimeout().toNanos();
    RunningAgent agent = launcher.start(command);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (description != null && !componentsPending) {
          break;
        }
        if (left <= 0 || (!agent.isAlive() && messages.isEmpty())) {
          problem =
              !agent.isAlive()
                  ? "the collector exited during bootstrap"
                  : connected
                      ? "collector connected but never responded with an AgentDescription message"
                      : "collector's OpAMP client never connected to the Supervisor";
          break;
        }
        AgentToServer message;
        try {
          message = messages.poll(Math.min(left, 100_000_000L), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          problem = "interrupted";
          break;
        }
        if (message == null) {
          continue;
        }
        connected = true;
        InstanceUid reported = InstanceUid.fromBytes(message.getInstanceUid());
        if (!reported.equals(uid)) {
          problem =
              "received collector instance UID does not match expected UID set by the supervisor ("
                  + reported
                  + " != "
                  + uid
                  + ")";
          break;
        }
        if (message.hasAgentDescription()) {
          description = message.getAgentDescription();
        }
        if (message.hasAvailableComponents()) {
          if (message.getAvailableComponents().getComponentsCount() > 0) {
            components = message.getAvailableComponents();
            componentsPending = false;
          } else if (components == null) {
            componentsPending = true;
          }
        }
      }
    } finally {
      agent.stop(config.agent().stopTimeout());
    }
    if (components == null && config.capabilities().reportsAvailableComponents()) {
      CollectorCommands.Result listed = commands.components(COMMAND_TIMEOUT);
      if (listed.succeeded()) {
        components = ComponentLists.fromComponentsCommand(listed.output()).orElse(null);
      }
    }
    if (!problem.isEmpty()) {
      LOG.warn("Bootstrap fell short: {}", problem);
    } else {
      LOG.info(
          "Bootstrap learned the collector's description{}",
          components != null ? " and components" : "");
    }
    return new Result(gates, description, components, problem);
  }

  /** Returns the cached result if its fingerprint matches. */
  static Optional<BootstrapCache> usable(Optional<BootstrapCache> cache, String fingerprint) {
    return cache.filter(c -> c.fingerprint().equals(fingerprint));
  }
}
