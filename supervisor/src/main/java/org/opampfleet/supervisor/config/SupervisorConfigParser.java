/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.config;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Turns the supervisor's YAML into a {@link SupervisorConfig}: defaults first, the file on top,
 * every key checked. Messages follow the Go supervisor's wording where it has one ({@code
 * agent::executable must be specified}).
 */
final class SupervisorConfigParser {
  static final Set<String> PLACEHOLDERS =
      Set.of("$OWN_TELEMETRY_CONFIG", "$OPAMP_EXTENSION_CONFIG", "$REMOTE_CONFIG");
  private static final Set<String> LOG_LEVELS =
      Set.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");
  private static final Set<String> TLS_VERSIONS = Set.of("1.0", "1.1", "1.2", "1.3");

  private final List<String> warnings = new ArrayList<>();
  private final Function<String, @Nullable String> env;

  private SupervisorConfigParser(Function<String, @Nullable String> env) {
    this.env = env;
  }

  static SupervisorConfig parseFile(Path file, Function<String, @Nullable String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the supervisor config " + file + ": " + e + " (expected: a readable file)");
    }
    return parse(text, file.toString(), env);
  }

  static SupervisorConfig parse(
      String text, String source, Function<String, @Nullable String> env) {
    Map<String, Object> tree;
    try {
      tree = Yaml.parseMap(text, source);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    SupervisorConfigParser parser = new SupervisorConfigParser(env);
    Map<String, Object> expanded = new VariableExpansion(env, parser.warnings::add).expand(tree);
    return parser.read(ConfigSection.root(expanded));
  }

  private SupervisorConfig read(ConfigSection root) {
    if (!root.section("extensions").isEmptySection()) {
      throw new ConfigException(
          "extensions: supervisor extensions are not supported by this supervisor (the Go"
              + " supervisor needs --feature-gates=opampsupervisor.Extensions for them); remove the"
              + " section");
    }
    SupervisorConfig.Server server = server(root.section("server"));
    SupervisorConfig.Capabilities capabilities = capabilities(root.section("capabilities"));
    ConfigSection storageSection = root.section("storage");
    Path storage =
        Path.of(storageSection.string("directory", SupervisorConfig.DEFAULT_STORAGE.toString()));
    storageSection.finish();
    SupervisorConfig.Agent agent = agent(root.section("agent"), storage);
    SupervisorConfig.Telemetry telemetry = telemetry(root.section("telemetry"));
    SupervisorConfig.Healthcheck healthcheck = healthcheck(root.section("healthcheck"));
    gateway(root.section("gateway"));
    root.finish();
    if (capabilities.reportsRemoteConfig() == false && agent.automaticConfigRollback()) {
      warnings.add(
          "agent::automatic_config_rollback is on while capabilities::reports_remote_config is off:"
              + " the server will not see the FAILED and APPLIED statuses of rollbacks");
    }
    return new SupervisorConfig(
        server, capabilities, agent, storage, telemetry, healthcheck, List.copyOf(warnings));
  }

  private SupervisorConfig.Server server(ConfigSection s) {
    String endpointText = s.string("endpoint", "");
    if (endpointText.isEmpty()) {
      throw new ConfigException("server::endpoint must be specified");
    }
    URI endpoint;
    try {
      endpoint = new URI(endpointText);
    } catch (URISyntaxException e) {
      throw new ConfigException(
          "server::endpoint: \"" + endpointText + "\" is not a URL: " + e.getMessage());
    }
    String scheme =
        endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (!Set.of("ws", "wss", "http", "https").contains(scheme)) {
      throw new ConfigException(
          "server::endpoint: \""
              + endpointText
              + "\" has an unsupported scheme (expected: ws, wss, http or https)");
    }
    if (endpoint.getHost() == null) {
      throw new ConfigException("server::endpoint: \"" + endpointText + "\" has no host");
    }
    Map<String, List<String>> headers = s.stringListMap("headers");
    SupervisorConfig.Tls tls = tls(s.section("tls"));
    if (s.has("auth")) {
      throw new ConfigException(
          "server::auth references \""
              + s.string("auth", "")
              + "\" which is not configured under extensions (this supervisor has no extensions)");
    }
    s.finish();
    if ((scheme.equals("ws") || scheme.equals("http"))
        && (tls.hasClientCertificate() || tls.hasCustomCa())) {
      warnings.add("server::tls is ignored: server::endpoint uses " + scheme + ", not TLS");
    }
    return new SupervisorConfig.Server(endpoint, headers, tls);
  }

  private SupervisorConfig.Tls tls(ConfigSection s) {
    boolean insecure = s.bool("insecure", false);
    boolean skipVerify = s.bool("insecure_skip_verify", false);
    if (!s.string("server_name_override", "").isEmpty()) {
      throw new ConfigException(
          "server::tls::server_name_override is not supported by this supervisor (the JDK HTTP"
              + " client verifies the endpoint's host name); use the certificate's name in"
              + " server::endpoint");
    }
    String caFile = s.string("ca_file", "");
    String caPem = s.string("ca_pem", "");
    String certFile = s.string("cert_file", "");
    String certPem = s.string("cert_pem", "");
    String keyFile = s.string("key_file", "");
    String keyPem = s.string("key_pem", "");
    if (!caFile.isEmpty() && !caPem.isEmpty()) {
      throw new ConfigException(
          "server::tls: ca_file and ca_pem are both set (expected: at most one of them)");
    }
    if (!certFile.isEmpty() && !certPem.isEmpty()) {
      throw new ConfigException(
          "server::tls: cert_file and cert_pem are both set (expected: at most one of them)");
    }
    if (!keyFile.isEmpty() && !keyPem.isEmpty()) {
      throw new ConfigException(
          "server::tls: key_file and key_pem are both set (expected: at most one of them)");
    }
    boolean hasCert = !certFile.isEmpty() || !certPem.isEmpty();
    boolean hasKey = !keyFile.isEmpty() || !keyPem.isEmpty();
    if (hasCert != hasKey) {
      throw new ConfigException(
          "server::tls: for auth via TLS, provide both certificate and key, or neither");
    }
    boolean systemPool = s.bool("include_system_ca_certs_pool", false);
    String min = s.string("min_version", "");
    String max = s.string("max_version", "");
    for (String[] v : new String[][] {{"min_version", min}, {"max_version", max}}) {
      if (!v[1].isEmpty() && !TLS_VERSIONS.contains(v[1])) {
        throw new ConfigException(
            "server::tls::" + v[0] + ": \"" + v[1] + "\" (expected: 1.0, 1.1, 1.2 or 1.3)");
      }
    }
    if (!min.isEmpty() && !max.isEmpty() && min.compareTo(max) > 0) {
      throw new ConfigException("server::tls: min_version " + min + " is above max_version " + max);
    }
    List<String> ciphers = s.stringList("cipher_suites");
    List<String> curves = s.stringList("curve_preferences");
    if (!curves.isEmpty()) {
      warnings.add("server::tls::curve_preferences is not supported; the JDK's defaults are used");
    }
    Duration reload = s.duration("reload_interval", Duration.ZERO);
    if (!reload.isZero()) {
      warnings.add(
          "server::tls::reload_interval is not supported; certificate files are read at start-up");
    }
    s.finish();
    return new SupervisorConfig.Tls(
        insecure,
        skipVerify,
        caFile,
        caPem,
        certFile,
        certPem,
        keyFile,
        keyPem,
        systemPool,
        min,
        max,
        ciphers);
  }

  private SupervisorConfig.Capabilities capabilities(ConfigSection s) {
    SupervisorConfig.Capabilities caps =
        new SupervisorConfig.Capabilities(
            s.bool("accepts_remote_config", false),
            s.bool("accepts_restart_command", false),
            s.bool("accepts_opamp_connection_settings", false),
            s.bool("reports_effective_config", true),
            s.bool("reports_own_metrics", true),
            s.bool("reports_own_logs", false),
            s.bool("reports_own_traces", false),
            s.bool("reports_health", true),
            s.bool("reports_remote_config", false),
            s.bool("reports_available_components", false),
            s.bool("reports_heartbeat", true));
    if (s.bool("accepts_packages", false) || s.bool("reports_package_statuses", false)) {
      throw new ConfigException(
          "capabilities::accepts_packages and capabilities::reports_package_statuses are not yet"
              + " supported (expected: false); packages are not implemented, as in the Go"
              + " supervisor");
    }
    s.finish();
    return caps;
  }

  private SupervisorConfig.Agent agent(ConfigSection s, Path storage) {
    String modeText = s.string("mode", "collector");
    SupervisorConfig.AgentMode mode =
        switch (modeText) {
          case "collector" -> SupervisorConfig.AgentMode.COLLECTOR;
          case "generic" -> SupervisorConfig.AgentMode.GENERIC;
          default ->
              throw new ConfigException(
                  "agent::mode: \"" + modeText + "\" (expected: collector or generic)");
        };
    String executableText = s.string("executable", "");
    if (executableText.isEmpty()) {
      throw new ConfigException("agent::executable must be specified");
    }
    Path executable = executable(executableText);
    InstanceUid instanceId = null;
    String idText = s.string("instance_id", "");
    if (!idText.isEmpty()) {
      try {
        instanceId = InstanceUid.parse(idText);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "agent::instance_id must be a valid UUID string when set (got \"" + idText + "\")");
      }
    }
    Duration orphan = s.duration("orphan_detection_interval", Duration.ofSeconds(5));
    positive(orphan, "agent::orphan_detection_interval");
    ConfigSection d = s.section("description");
    SupervisorConfig.Description description =
        new SupervisorConfig.Description(
            d.stringMap("identifying_attributes"),
            d.stringMap("non_identifying_attributes"),
            d.bool("include_resource_attributes", false));
    d.finish();
    Duration applyTimeout = s.duration("config_apply_timeout", Duration.ofSeconds(5));
    if (applyTimeout.isNegative() || applyTimeout.isZero()) {
      throw new ConfigException(
          "agent::config_apply_timeout must be valid duration (a positive one)");
    }
    Duration settle = s.duration("config_apply_settle_time", Duration.ofSeconds(1));
    if (settle.isNegative()) {
      throw new ConfigException("agent::config_apply_settle_time must not be negative");
    }
    if (settle.compareTo(applyTimeout) > 0) {
      throw new ConfigException(
          "agent::config_apply_settle_time "
              + GoDuration.format(settle)
              + " is longer than agent::config_apply_timeout "
              + GoDuration.format(applyTimeout)
              + " (expected: shorter)");
    }
    Duration bootstrap = s.duration("bootstrap_timeout", Duration.ofSeconds(3));
    positive(bootstrap, "agent::bootstrap_timeout");
    int port = s.integer("opamp_server_port", 0, 0, 65_535);
    boolean passthrough = s.bool("passthrough_logs", false);
    int snippet = s.integer("collector_crash_log_snippet_kib", 4, 0, 1024);
    boolean rollback = s.bool("automatic_config_rollback", false);
    boolean hup = s.bool("use_hup_config_reload", false);
    if (hup && System.getProperty("os.name", "").startsWith("Windows")) {
      throw new ConfigException("agent::use_hup_config_reload is not supported on Windows");
    }
    boolean validate = s.bool("validate_config", false);
    List<String> configFiles = s.stringList("config_files");
    for (String entry : configFiles) {
      if (entry.startsWith("$") && !PLACEHOLDERS.contains(entry)) {
        throw new ConfigException(
            "agent::config_files contains invalid special file: "
                + entry
                + " (expected: one of $OWN_TELEMETRY_CONFIG, $OPAMP_EXTENSION_CONFIG,"
                + " $REMOTE_CONFIG)");
      }
    }
    List<String> args = s.stringList("args");
    Map<String, String> agentEnv = s.has("env") ? s.stringMap("env") : null;
    List<String> fallbackTexts = s.stringList("startup_fallback_configs");
    List<Path> fallbacks = new ArrayList<>();
    for (int i = 0; i < fallbackTexts.size(); i++) {
      String f = fallbackTexts.get(i);
      if (f.isBlank()) {
        throw new ConfigException("agent::startup_fallback_configs[" + i + "] cannot be empty");
      }
      Path path = Path.of(f);
      if (!Files.exists(path)) {
        throw new ConfigException(
            "could not stat agent::startup_fallback_configs[" + i + "] path: " + f);
      }
      fallbacks.add(path);
    }
    packageSection(s.section("package"));
    Duration stopTimeout = s.duration("stop_timeout", Duration.ofSeconds(10));
    positive(stopTimeout, "agent::stop_timeout");
    SupervisorConfig.Restart restart = restart(s.section("restart"));
    ConfigSection r = s.section("log_rotation");
    SupervisorConfig.LogRotation rotation =
        new SupervisorConfig.LogRotation(
            r.integer("max_size_mib", 10, 1, 10_240) * 1024L * 1024L,
            r.integer("max_backups", 3, 0, 100));
    r.finish();
    SupervisorConfig.Generic generic = generic(s.section("generic"), storage, mode);
    s.finish();
    if (mode == SupervisorConfig.AgentMode.GENERIC && validate) {
      throw new ConfigException(
          "agent::validate_config needs agent::mode collector (a generic agent has no validate"
              + " command)");
    }
    return new SupervisorConfig.Agent(
        mode,
        executable,
        instanceId,
        orphan,
        description,
        applyTimeout,
        settle,
        bootstrap,
        port,
        passthrough,
        snippet,
        rollback,
        hup,
        validate,
        configFiles,
        args,
        agentEnv,
        List.copyOf(fallbacks),
        stopTimeout,
        restart,
        rotation,
        generic);
  }

  private Path executable(String text) {
    Path path = Path.of(text);
    if (Files.exists(path)) {
      return path.toAbsolutePath().normalize();
    }
    if (!text.contains(File.separator)) {
      // Ours: a bare name is looked up on PATH, as a shell would.
      String pathVar = env.apply("PATH");
      if (pathVar != null) {
        for (String dir : pathVar.split(File.pathSeparator)) {
          Path candidate = Path.of(dir, text);
          if (Files.isExecutable(candidate)) {
            return candidate;
          }
        }
      }
    }
    throw new ConfigException(
        "could not stat agent::executable path: " + text + " (expected: an existing file)");
  }

  private void packageSection(ConfigSection p) {
    String binary = p.string("agent_binary", "");
    String archive = p.string("archive", "");
    if (!archive.isEmpty() && !archive.equals("tar.gz")) {
      throw new ConfigException(
          "agent::package::archive: \"" + archive + "\" (expected: empty or tar.gz)");
    }
    if (archive.equals("tar.gz") && binary.isEmpty()) {
      throw new ConfigException("agent::package::agent_binary must be specified for given archive");
    }
    ConfigSection verifier = p.section("verifier");
    String type = verifier.string("type", "");
    if (!type.isEmpty() && !type.equals("cosign")) {
      throw new ConfigException(
          "agent::package::verifier::type: \"" + type + "\" (expected: empty or cosign)");
    }
    ConfigSection cosign = verifier.section("cosign");
    cosign.string("github_workflow_repository", "");
    List<Map<String, Object>> identities = cosign.mapList("identities");
    for (int i = 0; i < identities.size(); i++) {
      Map<String, Object> id = identities.get(i);
      String at = "agent::package::verifier::cosign::identities[" + i + "]";
      for (String key : id.keySet()) {
        if (!Set.of("issuer", "issuer_regex", "subject", "subject_regex").contains(key)) {
          throw new ConfigException(at + "::" + key + ": unknown key");
        }
      }
      if (id.containsKey("issuer") == id.containsKey("issuer_regex")) {
        throw new ConfigException(at + ": exactly one of issuer or issuer_regex must be set");
      }
      if (id.containsKey("subject") == id.containsKey("subject_regex")) {
        throw new ConfigException(at + ": exactly one of subject or subject_regex must be set");
      }
    }
    cosign.finish();
    verifier.finish();
    p.finish();
  }

  private static SupervisorConfig.Restart restart(ConfigSection s) {
    Duration initial = s.duration("initial_delay", Duration.ofSeconds(1));
    positive(initial, "agent::restart::initial_delay");
    Duration max = s.duration("max_delay", Duration.ofMinutes(5));
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(
          "agent::restart::max_delay "
              + GoDuration.format(max)
              + " is shorter than agent::restart::initial_delay "
              + GoDuration.format(initial));
    }
    Duration resetAfter = s.duration("reset_after", Duration.ofMinutes(1));
    positive(resetAfter, "agent::restart::reset_after");
    int threshold = s.integer("crash_loop_threshold", 3, 1, 1000);
    s.finish();
    return new SupervisorConfig.Restart(initial, max, resetAfter, threshold);
  }

  private static SupervisorConfig.Generic generic(
      ConfigSection s, Path storage, SupervisorConfig.AgentMode mode) {
    String file = s.string("config_file", "");
    String key = s.has("config_map_key") ? s.string("config_map_key", "") : null;
    String url = s.string("health_url", "");
    URI healthUrl = null;
    if (!url.isEmpty()) {
      try {
        healthUrl = new URI(url);
      } catch (URISyntaxException e) {
        throw new ConfigException("agent::generic::health_url: \"" + url + "\" is not a URL");
      }
      if (!"http".equals(healthUrl.getScheme()) && !"https".equals(healthUrl.getScheme())) {
        throw new ConfigException(
            "agent::generic::health_url: \"" + url + "\" (expected: an http or https URL)");
      }
    }
    Duration interval = s.duration("health_interval", Duration.ofSeconds(10));
    positive(interval, "agent::generic::health_interval");
    Duration timeout = s.duration("health_timeout", Duration.ofSeconds(2));
    positive(timeout, "agent::generic::health_timeout");
    boolean configured = !s.isEmptySection();
    s.finish();
    if (configured && mode != SupervisorConfig.AgentMode.GENERIC) {
      throw new ConfigException(
          "agent::generic is set while agent::mode is collector (expected: agent::mode generic)");
    }
    return new SupervisorConfig.Generic(
        file.isEmpty() ? storage.resolve("agent.conf") : Path.of(file),
        key,
        healthUrl,
        interval,
        timeout);
  }

  private SupervisorConfig.Telemetry telemetry(ConfigSection s) {
    ConfigSection l = s.section("logs");
    String level = l.string("level", "info").toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw new ConfigException(
          "telemetry::logs::level: \""
              + level
              + "\" (expected: debug, info, warn, error, dpanic, panic or fatal)");
    }
    List<String> outputs = l.has("output_paths") ? l.stringList("output_paths") : List.of("stdout");
    List<String> errorOutputs =
        l.has("error_output_paths") ? l.stringList("error_output_paths") : List.of("stderr");
    String encoding = l.string("encoding", "json");
    if (!encoding.equals("json") && !encoding.equals("console")) {
      throw new ConfigException(
          "telemetry::logs::encoding: \"" + encoding + "\" (expected: json or console)");
    }
    if (l.raw("processors") != null) {
      warnings.add(
          "telemetry::logs::processors is not supported yet: supervisor logs are not exported over"
              + " OTLP (they go to telemetry::logs::output_paths)");
    }
    l.finish();
    SupervisorConfig.Metrics metrics = metrics(s.section("metrics"));
    ConfigSection t = s.section("traces");
    t.string("level", "");
    t.raw("propagators");
    if (t.raw("processors") != null) {
      warnings.add(
          "telemetry::traces::processors is not supported yet: the supervisor does not export"
              + " spans");
    }
    t.finish();
    Map<String, String> resource = resource(s.section("resource"));
    s.finish();
    return new SupervisorConfig.Telemetry(
        new SupervisorConfig.Logs(level, outputs, errorOutputs, encoding), metrics, resource);
  }

  private static SupervisorConfig.Metrics metrics(ConfigSection s) {
    String level = s.string("level", "basic");
    if (!Set.of("none", "basic", "normal", "detailed").contains(level)) {
      throw new ConfigException(
          "telemetry::metrics::level: \""
              + level
              + "\" (expected: none, basic, normal or detailed)");
    }
    List<SupervisorConfig.PrometheusReader> pulls = new ArrayList<>();
    List<SupervisorConfig.OtlpReader> pushes = new ArrayList<>();
    List<Map<String, Object>> readers = s.mapList("readers");
    for (int i = 0; i < readers.size(); i++) {
      ConfigSection reader =
          ConfigSection.root(readers.get(i)).renamed("telemetry::metrics::readers[" + i + "]");
      if (reader.has("pull")) {
        ConfigSection pull = reader.section("pull");
        ConfigSection exporter = pull.section("exporter");
        ConfigSection prom = exporter.section("prometheus");
        if (!exporter.has("prometheus")) {
          throw new ConfigException(
              exporter.pathOf("") + ": unsupported pull exporter (expected: prometheus)");
        }
        String host = prom.string("host", "localhost");
        int port = prom.integer("port", 9464, 0, 65_535);
        prom.raw("without_units");
        prom.raw("without_type_suffix");
        prom.raw("without_scope_info");
        prom.raw("with_resource_constant_labels");
        prom.raw("translation_strategy");
        prom.finish();
        exporter.finish();
        pull.finish();
        pulls.add(new SupervisorConfig.PrometheusReader(host, port));
      } else if (reader.has("periodic")) {
        ConfigSection periodic = reader.section("periodic");
        Object intervalRaw = periodic.raw("interval");
        Duration interval = Duration.ofSeconds(60);
        if (intervalRaw instanceof Number n) {
          interval = Duration.ofMillis(n.longValue());
        } else if (intervalRaw != null) {
          interval = periodic.duration("interval", interval);
        }
        periodic.raw("timeout");
        ConfigSection exporter = periodic.section("exporter");
        String which = exporter.has("otlp_http") ? "otlp_http" : "otlp";
        if (!exporter.has(which)) {
          throw new ConfigException(
              exporter.pathOf("")
                  + ": unsupported periodic exporter (expected: otlp or otlp_http)");
        }
        ConfigSection otlp = exporter.section(which);
        String protocol = otlp.string("protocol", "http/protobuf");
        if (!protocol.equals("http/protobuf") && !protocol.equals("http/json")) {
          throw new ConfigException(
              otlp.pathOf("protocol")
                  + ": \""
                  + protocol
                  + "\" is not supported (expected: http/protobuf or http/json)");
        }
        String endpointText = otlp.string("endpoint", "");
        URI endpoint;
        try {
          endpoint = new URI(endpointText);
        } catch (URISyntaxException e) {
          throw new ConfigException(
              otlp.pathOf("endpoint") + ": \"" + endpointText + "\" is not a URL");
        }
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
          throw new ConfigException(
              otlp.pathOf("endpoint")
                  + ": \""
                  + endpointText
                  + "\" (expected: an http or https URL)");
        }
        Map<String, String> headers = headerList(otlp.raw("headers"), otlp.pathOf("headers"));
        otlp.raw("compression");
        otlp.raw("timeout");
        otlp.raw("temporality_preference");
        otlp.raw("default_histogram_aggregation");
        otlp.raw("certificate");
        otlp.raw("client_key");
        otlp.raw("client_certificate");
        otlp.raw("insecure");
        otlp.finish();
        exporter.finish();
        periodic.finish();
        pushes.add(new SupervisorConfig.OtlpReader(endpoint, protocol, headers, interval));
      }
      reader.finish();
    }
    s.finish();
    if (level.equals("none")) {
      return new SupervisorConfig.Metrics(level, List.of(), List.of());
    }
    return new SupervisorConfig.Metrics(level, List.copyOf(pulls), List.copyOf(pushes));
  }

  private static Map<String, String> headerList(@Nullable Object raw, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    if (raw instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    } else if (raw instanceof List<?> list) {
      for (Object item : list) {
        if (!(item instanceof Map<?, ?> m) || m.get("name") == null) {
          throw new ConfigException(path + ": each header needs a name and a value");
        }
        out.put(String.valueOf(m.get("name")), String.valueOf(m.get("value")));
      }
    } else {
      throw new ConfigException(path + ": expected a map or a list of {name, value}");
    }
    return out;
  }

  private static Map<String, String> resource(ConfigSection s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : s.keys()) {
      Object value = s.raw(key);
      if (key.equals("attributes") && value instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof Map<?, ?> m && m.get("name") != null) {
            out.put(String.valueOf(m.get("name")), String.valueOf(m.get("value")));
          } else {
            throw new ConfigException(
                "telemetry::resource::attributes: each item needs a name and a value");
          }
        }
      } else if (key.equals("schema_url")
          || key.equals("detectors")
          || key.equals("attributes_list")) {
        continue;
      } else if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
        throw new ConfigException(
            "telemetry::resource::" + key + ": expected a string attribute value");
      } else {
        out.put(key, String.valueOf(value));
      }
    }
    s.finish();
    out.putIfAbsent("service.name", "opamp-supervisor");
    return out;
  }

  private static SupervisorConfig.Healthcheck healthcheck(ConfigSection s) {
    String endpoint = s.string("endpoint", "");
    String host = "";
    int port = 0;
    if (!endpoint.isEmpty()) {
      int colon = endpoint.lastIndexOf(':');
      try {
        port = Integer.parseInt(endpoint.substring(colon + 1));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        port = -1;
      }
      if (colon < 0 || port < 0 || port > 65_535) {
        throw new ConfigException(
            "healthcheck::endpoint must contain a valid port number (got \"" + endpoint + "\")");
      }
      host = endpoint.substring(0, colon);
    }
    if (s.raw("tls") != null || s.raw("auth") != null) {
      throw new ConfigException(
          "healthcheck::tls and healthcheck::auth are not supported by this supervisor; serve the"
              + " health endpoint on loopback or behind a proxy");
    }
    for (String key :
        List.of(
            "transport",
            "cors",
            "read_timeout",
            "read_header_timeout",
            "write_timeout",
            "idle_timeout",
            "keep_alives_enabled",
            "max_request_body_size",
            "include_metadata",
            "response_headers",
            "compression_algorithms")) {
      s.raw(key);
    }
    s.finish();
    return new SupervisorConfig.Healthcheck(host, port);
  }

  private static void gateway(ConfigSection s) {
    boolean enabled = s.bool("enabled", false);
    s.string("listen_endpoint", "");
    s.integer("max_agents", 100, Integer.MIN_VALUE, Integer.MAX_VALUE);
    s.finish();
    if (enabled) {
      throw new ConfigException(
          "gateway::enabled: true is not supported by this supervisor (the Go supervisor's gateway"
              + " is experimental and does not relay either)");
    }
  }

  private static void positive(Duration value, String key) {
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException(key + " must be positive (got " + GoDuration.format(value) + ")");
    }
  }
}
