/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.supervisor.scenarios.AgentView;
import org.opampfleet.supervisor.scenarios.TestBinaries;
import org.opampfleet.supervisor.scenarios.UpstreamFixture;

/**
 * The control plane as the supervisor's upstream: the server jar ({@code opampfleet-server.jar})
 * running as a separate process on loopback, as a user runs it, with its embedded database in a
 * data directory of its own. Everything a scenario does goes through the REST API with the admin
 * token the server writes to {@code <data-dir>/admin-token} on its first start.
 *
 * <p>{@link #stop()} stops the process (SIGTERM, an orderly shutdown); {@link #start()} starts a
 * new one on the same ports and data directory, so agents and configurations survive, as they do
 * for a user who restarts the server.
 *
 * <p>How the fixture maps to the API:
 *
 * <ul>
 *   <li>{@link #agentIds()}: {@code GET /api/v1/agents}, ordered by first contact;
 *   <li>{@link #agent(String)}: {@code GET /api/v1/agents/{uid}} for the agent and {@code GET
 *       /api/v1/agents/{uid}/timeline} for its remote config status history (the timeline's {@code
 *       config_applying}, {@code config_applied} and {@code config_failed} events);
 *   <li>{@link #offerConfig(String, Map)}: saves the files as a new version of the configuration
 *       {@code agent-<uid>} ({@code PUT /api/v1/configs/{name}}, with a selector that matches no
 *       agent) and assigns it to the agent directly ({@code PUT /api/v1/agents/{uid}/config});
 *   <li>{@link #restart(String)}: {@code POST /api/v1/agents/{uid}/restart}.
 * </ul>
 *
 * <p>The control plane cannot assign instance UIDs through its API, so {@link
 * #canAssignInstanceUid()} is false.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class ControlPlaneUpstream implements UpstreamFixture {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String RUNNING = "is running: agents connect to";

  /** A selector no agent matches: configurations reach agents by direct assignment only. */
  static final String NO_AGENT = "opampfleet-e2e-never=true";

  private final Path dataDir;
  private final Path log;
  private final int opampPort;
  private final int httpPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // Version label ("agent-<uid> v3") to hash, for every version this fixture saved.
  private final Map<String, String> savedVersions = new ConcurrentHashMap<>();
  // Every timeline event read so far, per agent, oldest first; guarded by itself.
  private final Map<String, List<Event>> seenEvents = new HashMap<>();
  private @Nullable Process process;
  private @Nullable String adminToken;
  private int starts;

  /**
   * Creates a stopped control plane; nothing runs until {@link #start()}.
   *
   * @param dataDir its data directory (created on the first start)
   * @param log where its output goes (overwritten by the first start, appended to by later ones)
   */
  ControlPlaneUpstream(Path dataDir, Path log) {
    this.dataDir = dataDir;
    this.log = log;
    this.opampPort = TestBinaries.freePort();
    int port = TestBinaries.freePort();
    while (port == opampPort) {
      port = TestBinaries.freePort();
    }
    this.httpPort = port;
  }

  /** Returns the server jar: {@code -Dcontrolplane.jar}, else found from here upwards. */
  static Path serverJar() {
    String configured = System.getProperty("controlplane.jar");
    if (configured != null && Files.isRegularFile(Path.of(configured))) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("controlplane/app/target/opampfleet-server.jar");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "controlplane/app/target/opampfleet-server.jar is missing: build it with"
            + " ./mvnw -pl controlplane/app install -DskipTests (or set -Dcontrolplane.jar)");
  }

  @Override
  public String endpoint() {
    return "ws://127.0.0.1:" + opampPort + "/v1/opamp";
  }

  /** Returns the base URL of the web UI and REST API. */
  String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Returns what the server printed so far, over all its runs. */
  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    starts++;
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      if (starts == 1) {
        Files.deleteIfExists(log);
      }
      Files.writeString(
          log,
          "---- start " + starts + " ----\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long before = output().length();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                serverJar().toString(),
                "--data-dir",
                dataDir.toString(),
                "--opamp-port",
                Integer.toString(opampPort),
                "--http-port",
                Integer.toString(httpPort))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Loopback only; a short shutdown so stop() is quick (one agent to close).
    builder.environment().put("OPAMPFLEET_OPAMP_HOST", "127.0.0.1");
    builder.environment().put("OPAMPFLEET_HTTP_HOST", "127.0.0.1");
    builder.environment().put("OPAMPFLEET_SHUTDOWN_GRACE_PERIOD", "1s");
    Process started;
    try {
      started = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process = started;
    try {
      await("the control plane to start")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!started.isAlive()) {
                  throw new IllegalStateException(
                      "the control plane exited with "
                          + started.exitValue()
                          + " while starting; its output:\n"
                          + output());
                }
                return output().indexOf(RUNNING, (int) before) >= 0;
              });
      if (adminToken == null) {
        adminToken =
            Files.readString(dataDir.resolve("admin-token"), StandardCharsets.UTF_8).trim();
      }
    } catch (RuntimeException | IOException e) {
      destroy(started);
      process = null;
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  @Override
  public synchronized void stop() {
    Process running = process;
    process = null;
    if (running != null) {
      destroy(running);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static void destroy(Process running) {
    running.destroy(); // SIGTERM: the server shuts down in order and releases the data directory
    try {
      if (!running.waitFor(30, TimeUnit.SECONDS)) {
        running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.destroyForcibly();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading agents

  @Override
  public List<String> agentIds() {
    JsonNode page = ok(call("GET", "/api/v1/agents?limit=500", null), 200);
    List<JsonNode> items = new ArrayList<>();
    page.path("items").forEach(items::add);
    items.sort(
        Comparator.comparing((JsonNode a) -> Instant.parse(a.path("firstSeen").asText()))
            .thenComparing(a -> a.path("instanceUid").asText()));
    List<String> ids = new ArrayList<>();
    items.forEach(a -> ids.add(a.path("instanceUid").asText()));
    return ids;
  }

  @Override
  public Optional<AgentView> agent(String instanceUid) {
    HttpResponse<String> detail = call("GET", "/api/v1/agents/" + instanceUid, null);
    if (detail.statusCode() == 404) {
      return Optional.empty();
    }
    JsonNode agent = ok(detail, 200);
    AgentView.ConfigStatus current = currentStatus(agent);
    // After the detail: every status the detail shows is in the timeline by now, except while
    // the server writes its latest events to the database (they are briefly in neither its
    // memory nor the database), so read again until the last status matches the detail.
    List<AgentView.ConfigStatus> history = history(events(instanceUid));
    if (!endsWith(history, current)) {
      try {
        history =
            await("the timeline to show " + current)
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> history(events(instanceUid)), h -> endsWith(h, current));
      } catch (ConditionTimeoutException e) {
        history = history(events(instanceUid));
      }
    }
    return Optional.of(view(agent, current, history));
  }

  /** One timeline event. */
  record Event(Instant time, String kind, String message) {
    String key() {
      return time.truncatedTo(ChronoUnit.MILLIS) + " " + kind + " " + message;
    }
  }

  /**
   * Returns the agent's timeline, oldest first: what the API returns now, merged with every event
   * it returned before (an event being written to the database is missing from a read).
   */
  List<Event> events(String instanceUid) {
    JsonNode timeline =
        ok(call("GET", "/api/v1/agents/" + instanceUid + "/timeline?limit=500", null), 200);
    List<Event> read = new ArrayList<>();
    for (JsonNode e : timeline.path("items")) {
      read.add(
          new Event(
              Instant.parse(e.path("time").asText()),
              e.path("kind").asText(),
              e.path("message").asText()));
    }
    Collections.reverse(read);
    synchronized (seenEvents) {
      Set<String> keys = new HashSet<>();
      read.forEach(e -> keys.add(e.key()));
      List<Event> merged = new ArrayList<>(read);
      for (Event e : seenEvents.getOrDefault(instanceUid, List.of())) {
        if (!keys.contains(e.key())) {
          merged.add(e);
        }
      }
      merged.sort(Comparator.comparing(Event::time)); // stable: equal times keep the API's order
      seenEvents.put(instanceUid, List.copyOf(merged));
      return List.copyOf(merged);
    }
  }

  /** Returns how many times the control plane offered the agent the config with this hash. */
  int offers(String instanceUid, String hash) {
    String suffix = "(hash " + hash.substring(0, 7) + ")";
    int n = 0;
    for (Event event : events(instanceUid)) {
      if (event.kind().equals("config_offered") && event.message().endsWith(suffix)) {
        n++;
      }
    }
    return n;
  }

  private static boolean endsWith(
      List<AgentView.ConfigStatus> history, AgentView.@Nullable ConfigStatus current) {
    if (current == null || current.status().equals("UNSET")) {
      return true;
    }
    if (history.isEmpty()) {
      return false;
    }
    AgentView.ConfigStatus last = history.get(history.size() - 1);
    return last.hash().equals(current.hash()) && last.status().equals(current.status());
  }

  private static AgentView.@Nullable ConfigStatus currentStatus(JsonNode a) {
    JsonNode remote = a.path("remoteConfigStatus");
    if (!remote.path("reportedAt").isTextual()) {
      return null; // never reported
    }
    return new AgentView.ConfigStatus(
        remote.path("lastRemoteConfigHash").asText(""),
        remote.path("status").asText(),
        remote.path("errorMessage").asText(""));
  }

  private AgentView view(
      JsonNode a, AgentView.@Nullable ConfigStatus status, List<AgentView.ConfigStatus> history) {
    JsonNode root = a.path("health").path("root");
    AgentView.Health health = null;
    if (root.isObject()) {
      health =
          new AgentView.Health(
              root.path("healthy").asBoolean(),
              root.path("status").asText(""),
              root.path("lastError").asText(""),
              unixNanos(root.path("startTime")),
              strings(root.path("attributes")));
    }
    Map<String, Set<String>> components = new TreeMap<>();
    a.path("availableComponents")
        .path("components")
        .fields()
        .forEachRemaining(
            kind -> {
              Set<String> types = new TreeSet<>();
              kind.getValue().path("subComponents").fieldNames().forEachRemaining(types::add);
              components.put(kind.getKey(), types);
            });
    Set<String> capabilities = new LinkedHashSet<>();
    a.path("capabilities").forEach(c -> capabilities.add(capabilityName(c.asText())));
    return new AgentView(
        a.path("instanceUid").asText(),
        a.path("connected").asBoolean(),
        strings(a.path("identifyingAttributes")),
        strings(a.path("nonIdentifyingAttributes")),
        health,
        a.path("effectiveConfig").path("").asText(""),
        status,
        history,
        components,
        capabilities);
  }

  /**
   * Reads the remote config statuses from the timeline: {@code applying <version>}, {@code applied
   * <version>} and {@code failed to apply <version>: <error>}, where {@code <version>} is {@code
   * <name> v<n>} when the agent reports the hash last offered to it and {@code config <7 hex
   * digits>} otherwise.
   */
  private List<AgentView.ConfigStatus> history(List<Event> events) {
    List<AgentView.ConfigStatus> out = new ArrayList<>();
    for (Event event : events) {
      String message = event.message();
      switch (event.kind()) {
        case "config_applying" -> out.add(status("APPLYING", strip(message, "applying "), ""));
        case "config_applied" -> out.add(status("APPLIED", strip(message, "applied "), ""));
        case "config_failed" -> {
          String rest = strip(message, "failed to apply ");
          int colon = rest.indexOf(": ");
          out.add(
              colon < 0
                  ? status("FAILED", rest, "")
                  : status("FAILED", rest.substring(0, colon), rest.substring(colon + 2)));
        }
        default -> {}
      }
    }
    return List.copyOf(out);
  }

  private AgentView.ConfigStatus status(String status, String version, String error) {
    return new AgentView.ConfigStatus(hashOf(version), status, error);
  }

  private static String strip(String message, String prefix) {
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** Returns the full hash of a timeline version label, or the label if it is not known. */
  private String hashOf(String version) {
    String known = savedVersions.get(version);
    if (known != null) {
      return known;
    }
    if (version.equals("config (no hash)")) {
      return "";
    }
    if (version.startsWith("config ")) {
      String prefix = version.substring("config ".length());
      for (String hash : savedVersions.values()) {
        if (hash.startsWith(prefix)) {
          return hash;
        }
      }
      return prefix;
    }
    int v = version.lastIndexOf(" v");
    if (v > 0) {
      HttpResponse<String> response =
          call(
              "GET",
              "/api/v1/configs/"
                  + version.substring(0, v)
                  + "/versions/"
                  + version.substring(v + 2),
              null);
      if (response.statusCode() == 200) {
        String hash = ok(response, 200).path("hash").asText();
        savedVersions.put(version, hash);
        return hash;
      }
    }
    return version;
  }

  /** Turns {@code AcceptsRemoteConfig} (the API's spelling) into {@code ACCEPTS_REMOTE_CONFIG}. */
  private static String capabilityName(String api) {
    for (AgentCapability capability : AgentCapability.values()) {
      if (capability.name().replace("_", "").equalsIgnoreCase(api)) {
        return capability.name();
      }
    }
    return api;
  }

  private static long unixNanos(JsonNode time) {
    if (!time.isTextual()) {
      return 0;
    }
    Instant instant = Instant.parse(time.asText());
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(
          e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Changing agents

  @Override
  public String offerConfig(String instanceUid, Map<String, String> files) {
    String name = "agent-" + instanceUid.toLowerCase(java.util.Locale.ROOT);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("selector", NO_AGENT);
    body.put("files", new TreeMap<>(files));
    body.put("note", "offered by " + getClass().getSimpleName());
    JsonNode saved = ok(call("PUT", "/api/v1/configs/" + name, body), 200, 201);
    JsonNode version = saved.path("version");
    String hash = version.path("hash").asText();
    String expected = configHash(files);
    if (!hash.equals(expected)) {
      throw new IllegalStateException(
          "the control plane hashed the files as " + hash + ", not " + expected);
    }
    savedVersions.put(name + " v" + version.path("version").asInt(), hash);
    ok(call("PUT", "/api/v1/agents/" + instanceUid + "/config", Map.of("config", name)), 200);
    return hash;
  }

  @Override
  public void restart(String instanceUid) {
    ok(call("POST", "/api/v1/agents/" + instanceUid + "/restart", null), 202);
  }

  /**
   * Returns the {@code config_hash} the control plane offers for these files, computed on its own:
   * SHA-256 over the files sorted by name, each name and body as UTF-8 preceded by its length as a
   * 4-byte big-endian integer ({@code ConfigHashes} in {@code controlplane/core}).
   */
  static String configHash(Map<String, String> files) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
      for (String part : List.of(file.getKey(), file.getValue())) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private HttpResponse<String> call(String method, String path, @Nullable Object body) {
    String token;
    synchronized (this) {
      token = adminToken;
    }
    if (token == null) {
      throw new IllegalStateException("start() the control plane before using its API");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token);
    try {
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode ok(HttpResponse<String> response, int... expected) {
    for (int status : expected) {
      if (response.statusCode() == status) {
        try {
          return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("not JSON: " + response.body(), e);
        }
      }
    }
    throw new IllegalStateException(
        response.request().method()
            + " "
            + response.request().uri()
            + " answered "
            + response.statusCode()
            + ": "
            + response.body());
  }
}
