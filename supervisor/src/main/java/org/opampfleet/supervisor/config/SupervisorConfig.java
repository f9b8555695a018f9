/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The supervisor's configuration file, checked: the Go supervisor's keys with its defaults, plus
 * the keys of our improvements (each documented in {@code supervisor/README.md}). Load it with
 * {@link #load}; any unknown key or bad value stops loading with a {@link ConfigException} naming
 * the key.
 *
 * <p><b>Thread safety:</b> immutable; thread-safe.
 *
 * @param server the upstream OpAMP server ({@code server})
 * @param capabilities what the supervisor advertises ({@code capabilities})
 * @param agent the collector and how it is run ({@code agent})
 * @param storageDirectory where state is kept ({@code storage.directory})
 * @param telemetry the supervisor's own logs and metrics ({@code telemetry})
 * @param healthcheck the supervisor's own health endpoint ({@code healthcheck})
 * @param warnings things worth telling the user that do not stop start-up
 */
public record SupervisorConfig(
    Server server,
    Capabilities capabilities,
    Agent agent,
    Path storageDirectory,
    Telemetry telemetry,
    Healthcheck healthcheck,
    List<String> warnings) {

  /** The default {@code storage.directory}. */
  public static final Path DEFAULT_STORAGE = Path.of("/var/lib/otelcol/supervisor");

  /**
   * Reads, expands and checks a configuration file.
   *
   * @param file the YAML file given with {@code --config}
   * @param env the environment used for {@code ${VAR}} references
   * @throws ConfigException if the file cannot be read or a key is unknown or invalid
   */
  public static SupervisorConfig load(Path file, Function<String, @Nullable String> env) {
    return SupervisorConfigParser.parseFile(file, env);
  }

  /**
   * Checks configuration text (for tests and {@code --validate}); relative paths are resolved
   * against the working directory.
   */
  public static SupervisorConfig parse(String yaml, Function<String, @Nullable String> env) {
    return SupervisorConfigParser.parse(yaml, "supervisor config", env);
  }

  /**
   * {@code server}: the upstream OpAMP server.
   *
   * @param endpoint ws, wss, http or https URL
   * @param headers extra headers; values are secrets and never logged
   * @param tls TLS settings, used for wss and https
   */
  public record Server(URI endpoint, Map<String, List<String>> headers, Tls tls) {}

  /**
   * {@code server.tls}: the collector's TLS client settings.
   *
   * @param insecure {@code insecure}
   * @param insecureSkipVerify {@code insecure_skip_verify}
   * @param caFile {@code ca_file}, or empty
   * @param caPem {@code ca_pem}, or empty
   * @param certFile {@code cert_file}, or empty
   * @param certPem {@code cert_pem}, or empty
   * @param keyFile {@code key_file}, or empty
   * @param keyPem {@code key_pem}, or empty
   * @param includeSystemCaCertsPool {@code include_system_ca_certs_pool}
   * @param minVersion {@code min_version}: 1.0 to 1.3, or empty for 1.2
   * @param maxVersion {@code max_version}, or empty for the newest
   * @param cipherSuites {@code cipher_suites} (IANA names), empty for the platform's
   */
  public record Tls(
      boolean insecure,
      boolean insecureSkipVerify,
      String caFile,
      String caPem,
      String certFile,
      String certPem,
      String keyFile,
      String keyPem,
      boolean includeSystemCaCertsPool,
      String minVersion,
      String maxVersion,
      List<String> cipherSuites) {

    /** Returns whether a client certificate is configured. */
    public boolean hasClientCertificate() {
      return !certFile.isEmpty() || !certPem.isEmpty();
    }

    /** Returns whether custom trust anchors are configured. */
    public boolean hasCustomCa() {
      return !caFile.isEmpty() || !caPem.isEmpty();
    }
  }

  /**
   * {@code capabilities}: what the supervisor advertises upstream. Defaults as the Go supervisor.
   *
   * @param acceptsRemoteConfig {@code accepts_remote_config} (false)
   * @param acceptsRestartCommand {@code accepts_restart_command} (false)
   * @param acceptsOpampConnectionSettings {@code accepts_opamp_connection_settings} (false)
   * @param reportsEffectiveConfig {@code reports_effective_config} (true)
   * @param reportsOwnMetrics {@code reports_own_metrics} (true)
   * @param reportsOwnLogs {@code reports_own_logs} (false)
   * @param reportsOwnTraces {@code reports_own_traces} (false)
   * @param reportsHealth {@code reports_health} (true)
   * @param reportsRemoteConfig {@code reports_remote_config} (false)
   * @param reportsAvailableComponents {@code reports_available_components} (false)
   * @param reportsHeartbeat {@code reports_heartbeat} (true)
   */
  public record Capabilities(
      boolean acceptsRemoteConfig,
      boolean acceptsRestartCommand,
      boolean acceptsOpampConnectionSettings,
      boolean reportsEffectiveConfig,
      boolean reportsOwnMetrics,
      boolean reportsOwnLogs,
      boolean reportsOwnTraces,
      boolean reportsHealth,
      boolean reportsRemoteConfig,
      boolean reportsAvailableComponents,
      boolean reportsHeartbeat) {

    /** Returns the OpAMP capabilities; {@code ReportsStatus} is always included. */
    public Set<AgentCapability> toAgentCapabilities() {
      EnumSet<AgentCapability> out = EnumSet.of(AgentCapability.REPORTS_STATUS);
      add(out, acceptsRemoteConfig, AgentCapability.ACCEPTS_REMOTE_CONFIG);
      add(out, acceptsRestartCommand, AgentCapability.ACCEPTS_RESTART_COMMAND);
      add(out, acceptsOpampConnectionSettings, AgentCapability.ACCEPTS_OPAMP_CONNECTION_SETTINGS);
      add(out, reportsEffectiveConfig, AgentCapability.REPORTS_EFFECTIVE_CONFIG);
      add(out, reportsOwnMetrics, AgentCapability.REPORTS_OWN_METRICS);
      add(out, reportsOwnLogs, AgentCapability.REPORTS_OWN_LOGS);
      add(out, reportsOwnTraces, AgentCapability.REPORTS_OWN_TRACES);
      add(out, reportsHealth, AgentCapability.REPORTS_HEALTH);
      add(out, reportsRemoteConfig, AgentCapability.REPORTS_REMOTE_CONFIG);
      add(out, reportsAvailableComponents, AgentCapability.REPORTS_AVAILABLE_COMPONENTS);
      add(out, reportsHeartbeat, AgentCapability.REPORTS_HEARTBEAT);
      return out;
    }

    /** Returns whether any own-telemetry signal is reported. */
    public boolean reportsAnyOwnTelemetry() {
      return reportsOwnMetrics || reportsOwnLogs || reportsOwnTraces;
    }

    private static void add(Set<AgentCapability> set, boolean on, AgentCapability capability) {
      if (on) {
        set.add(capability);
      }
    }
  }

  /** How the supervised process is driven. */
  public enum AgentMode {
    /**
     * An OpenTelemetry Collector with the {@code opamp} extension: the supervisor composes its YAML
     * and learns health, effective config and components over the local OpAMP link.
     */
    COLLECTOR,
    /**
     * Any agent without the extension (Fluent Bit, …): the remote config is written as a file,
     * health comes from an HTTP probe or the process state.
     */
    GENERIC
  }

  /**
   * {@code agent}: the collector and how it is run.
   *
   * @param mode {@code mode} (ours): {@code collector} (default) or {@code generic}
   * @param executable {@code executable}: the binary, which must exist
   * @param instanceId {@code instance_id}: UID seed used only when no state exists yet, or null
   * @param orphanDetectionInterval {@code orphan_detection_interval} (5s)
   * @param description {@code description}: attribute overrides
   * @param configApplyTimeout {@code config_apply_timeout} (5s): the most an apply may take
   * @param configApplySettleTime {@code config_apply_settle_time} (ours, 1s): how long the
   *     collector must stay healthy before APPLIED is reported
   * @param bootstrapTimeout {@code bootstrap_timeout} (3s)
   * @param opampServerPort {@code opamp_server_port} (0 = a free port)
   * @param passthroughLogs {@code passthrough_logs} (false: collector output goes to agent.log)
   * @param crashLogSnippetKib {@code collector_crash_log_snippet_kib} (ours: 4; upstream: 0)
   * @param automaticConfigRollback {@code automatic_config_rollback} (false)
   * @param useHupConfigReload {@code use_hup_config_reload} (false)
   * @param validateConfig {@code validate_config} (false)
   * @param configFiles {@code config_files}: local files and placeholders, in merge order
   * @param args {@code args}: extra collector arguments
   * @param env {@code env}: extra environment, or null to inherit the supervisor's as it is
   * @param startupFallbackConfigs {@code startup_fallback_configs}
   * @param stopTimeout {@code stop_timeout} (ours, 10s): SIGTERM grace before SIGKILL
   * @param restart {@code restart} (ours): backoff and crash-loop detection
   * @param logRotation {@code log_rotation} (ours): agent.log size cap
   * @param generic {@code generic} (ours): settings of the generic agent mode
   */
  public record Agent(
      AgentMode mode,
      Path executable,
      @Nullable InstanceUid instanceId,
      Duration orphanDetectionInterval,
      Description description,
      Duration configApplyTimeout,
      Duration configApplySettleTime,
      Duration bootstrapTimeout,
      int opampServerPort,
      boolean passthroughLogs,
      int crashLogSnippetKib,
      boolean automaticConfigRollback,
      boolean useHupConfigReload,
      boolean validateConfig,
      List<String> configFiles,
      List<String> args,
      @Nullable Map<String, String> env,
      List<Path> startupFallbackConfigs,
      Duration stopTimeout,
      Restart restart,
      LogRotation logRotation,
      Generic generic) {}

  /**
   * {@code agent.description}: attributes added to or overriding the collector's own.
   *
   * @param identifying {@code identifying_attributes}
   * @param nonIdentifying {@code non_identifying_attributes}
   * @param includeResourceAttributes {@code include_resource_attributes}
   */
  public record Description(
      Map<String, String> identifying,
      Map<String, String> nonIdentifying,
      boolean includeResourceAttributes) {}

  /**
   * {@code agent.restart} (ours): restarts after the collector exits on its own.
   *
   * @param initialDelay {@code initial_delay} (1s): the first delay, doubled after each quick exit
   * @param maxDelay {@code max_delay} (5m): the cap
   * @param resetAfter {@code reset_after} (1m): a run at least this long starts the backoff over
   * @param crashLoopThreshold {@code crash_loop_threshold} (3): quick exits in a row that make a
   *     crash loop
   */
  public record Restart(
      Duration initialDelay, Duration maxDelay, Duration resetAfter, int crashLoopThreshold) {}

  /**
   * {@code agent.log_rotation} (ours): the size cap of {@code agent.log}.
   *
   * @param maxSizeBytes {@code max_size_mib} (10 MiB), in bytes
   * @param maxBackups {@code max_backups} (3): how many rotated files are kept
   */
  public record LogRotation(long maxSizeBytes, int maxBackups) {}

  /**
   * {@code agent.generic} (ours): the generic agent mode.
   *
   * @param configFile {@code config_file}: where the remote config is written (default {@code
   *     <storage>/agent.conf}); {@code {config_file}} in {@code agent.args} is replaced by it
   * @param configMapKey {@code config_map_key}: the remote config entry to write, or null for the
   *     entry named {@code ""} or the only entry
   * @param healthUrl {@code health_url}: an HTTP URL answering 2xx when the agent is healthy, or
   *     null to judge by the process alone
   * @param healthInterval {@code health_interval} (10s)
   * @param healthTimeout {@code health_timeout} (2s)
   */
  public record Generic(
      Path configFile,
      @Nullable String configMapKey,
      @Nullable URI healthUrl,
      Duration healthInterval,
      Duration healthTimeout) {}

  /**
   * {@code telemetry}: the supervisor's own telemetry.
   *
   * @param logs {@code logs}
   * @param metrics {@code metrics}
   * @param resource {@code resource} attributes of the supervisor's telemetry
   */
  public record Telemetry(Logs logs, Metrics metrics, Map<String, String> resource) {}

  /**
   * {@code telemetry.logs}.
   *
   * @param level {@code level} (info): debug, info, warn, error, dpanic, panic, fatal
   * @param outputPaths {@code output_paths} ([stdout]): stdout, stderr or files
   * @param errorOutputPaths {@code error_output_paths} ([stderr])
   * @param encoding {@code encoding} (json): json or console
   */
  public record Logs(
      String level, List<String> outputPaths, List<String> errorOutputPaths, String encoding) {}

  /**
   * {@code telemetry.metrics}.
   *
   * @param level {@code level} (basic): none disables every reader
   * @param prometheus pull readers ({@code readers[].pull.exporter.prometheus})
   * @param otlp periodic readers ({@code readers[].periodic.exporter.otlp})
   */
  public record Metrics(String level, List<PrometheusReader> prometheus, List<OtlpReader> otlp) {}

  /** A Prometheus pull reader: where {@code /metrics} is served. */
  public record PrometheusReader(String host, int port) {}

  /**
   * A periodic OTLP/HTTP reader.
   *
   * @param endpoint the full OTLP/HTTP metrics URL
   * @param protocol {@code http/protobuf} or {@code http/json}
   * @param headers extra headers; secrets, never logged
   * @param interval the export interval
   */
  public record OtlpReader(
      URI endpoint, String protocol, Map<String, String> headers, Duration interval) {}

  /**
   * {@code healthcheck}: the supervisor's own health endpoint.
   *
   * @param host the listen host ({@code ""} = every interface)
   * @param port the listen port; 0 disables the endpoint
   */
  public record Healthcheck(String host, int port) {

    /** Returns whether the endpoint is enabled. */
    public boolean isEnabled() {
      return port != 0;
    }
  }
}
