/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.opampfleet.opamp.client.internal.ClientConfig;
import org.opampfleet.opamp.client.internal.DefaultOpampClient;
import org.opampfleet.opamp.client.packages.PackageSyncer;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MessageLimits;

/**
 * Builds an {@link OpampClient}. What must exist before the client starts (the server URI, the
 * instance UID, the agent description, the capabilities and the callbacks) is required here, so
 * that a misconfigured client fails in {@link #build()} with a message naming the setting, the
 * value and what was expected, not later on the wire.
 *
 * <p>Minimal use:
 *
 * <pre>{@code
 * OpampClient client = OpampClient.builder()
 *     .serverUri(URI.create("wss://opamp.example.com:4320/v1/opamp"))
 *     .instanceUid(uid)
 *     .agentDescription(description)
 *     .capabilities(EnumSet.of(AgentCapability.ACCEPTS_REMOTE_CONFIG, AgentCapability.REPORTS_REMOTE_CONFIG))
 *     .callbacks(callbacks)
 *     .build();
 * }</pre>
 *
 * <p><b>Thread safety:</b> not thread-safe; build a client on one thread. The built client is
 * thread-safe.
 */
public final class OpampClientBuilder {

  private static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  // Set by the JDK HttpClient or by the client itself; a user value would be refused or
  // overwritten.
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "content-type",
          "content-encoding",
          "accept-encoding",
          "opamp-instance-uid");

  private URI serverUri;
  private Transport transport;
  private InstanceUid instanceUid;
  private AgentDescription agentDescription;
  private Set<AgentCapability> capabilities;
  private Set<AgentToServerFlag> flags = EnumSet.noneOf(AgentToServerFlag.class);
  private ClientCallbacks callbacks;
  private Supplier<EffectiveConfig> effectiveConfigSupplier;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private Supplier<Map<String, String>> headerSupplier;
  private X509TrustManager trustManager;
  private X509KeyManager keyManager;
  private HttpClient httpClient;
  private InetSocketAddress proxy;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Duration pollingInterval;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private ScheduledExecutorService executor;
  private Executor callbackExecutor;
  private Clock clock = Clock.systemUTC();
  private RandomGenerator random;
  private MessageLimits messageLimits = MessageLimits.defaults();
  private BackoffPolicy backoff = BackoffPolicy.defaults();
  private Compression requestCompression = Compression.NONE;
  private PackageSyncer packageSyncer;

  OpampClientBuilder() {}

  /**
   * Sets the server's OpAMP endpoint, e.g. {@code wss://opamp.example.com:4320/v1/opamp}. Its
   * scheme chooses the transport unless {@link #transport} is set. Required.
   */
  public OpampClientBuilder serverUri(URI serverUri) {
    this.serverUri = requireNonNull(serverUri, "serverUri");
    return this;
  }

  /**
   * Sets the transport explicitly. The server URI's scheme is then adapted: {@code http(s)} becomes
   * {@code ws(s)} for {@link Transport#WEBSOCKET} and the other way round. Optional; by default the
   * scheme decides.
   */
  public OpampClientBuilder transport(Transport transport) {
    this.transport = requireNonNull(transport, "transport");
    return this;
  }

  /**
   * Sets the agent's instance UID (UID-02), which the application should generate once with {@link
   * InstanceUid#generate()} and keep for the life of the agent (UID-03). Required.
   */
  public OpampClientBuilder instanceUid(InstanceUid instanceUid) {
    this.instanceUid = requireNonNull(instanceUid, "instanceUid");
    return this;
  }

  /** Sets the agent description sent in the first message. Required. */
  public OpampClientBuilder agentDescription(AgentDescription agentDescription) {
    this.agentDescription = requireNonNull(agentDescription, "agentDescription");
    return this;
  }

  /**
   * Sets the agent's capabilities. {@code REPORTS_STATUS} is always added (GEN-03), and so is
   * {@code REPORTS_HEARTBEAT} unless heartbeats are disabled with a zero {@link #heartbeatInterval}
   * (GEN-12). Required, possibly empty.
   */
  public OpampClientBuilder capabilities(Set<AgentCapability> capabilities) {
    requireNonNull(capabilities, "capabilities");
    EnumSet<AgentCapability> copy = EnumSet.noneOf(AgentCapability.class);
    for (AgentCapability capability : capabilities) {
      copy.add(requireNonNull(capability, "capabilities contains null"));
    }
    this.capabilities = copy;
    return this;
  }

  /** Sets the flags of the first message, e.g. {@code REQUEST_INSTANCE_UID} (UID-04). */
  public OpampClientBuilder flags(Set<AgentToServerFlag> flags) {
    requireNonNull(flags, "flags");
    EnumSet<AgentToServerFlag> copy = EnumSet.noneOf(AgentToServerFlag.class);
    copy.addAll(flags);
    this.flags = copy;
    return this;
  }

  /** Sets the callbacks that receive what the server sends. Required. */
  public OpampClientBuilder callbacks(ClientCallbacks callbacks) {
    this.callbacks = requireNonNull(callbacks, "callbacks");
    return this;
  }

  /**
   * Sets where the effective configuration comes from. The client calls it on the callback executor
   * at start and on each {@link OpampClient#updateEffectiveConfig()}; it may return null while
   * there is no configuration yet. Required when the capabilities include {@code
   * REPORTS_EFFECTIVE_CONFIG}.
   */
  public OpampClientBuilder effectiveConfigSupplier(Supplier<EffectiveConfig> supplier) {
    this.effectiveConfigSupplier = requireNonNull(supplier, "supplier");
    return this;
  }

  /**
   * Adds a header sent with every request and WebSocket handshake, e.g. {@code Authorization}.
   * Header values are never logged.
   */
  public OpampClientBuilder header(String name, String value) {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
    checkHeaderName(name);
    headers.put(name, value);
    return this;
  }

  /** Adds headers sent with every request and WebSocket handshake. See {@link #header}. */
  public OpampClientBuilder headers(Map<String, String> headers) {
    requireNonNull(headers, "headers");
    headers.forEach(this::header);
    return this;
  }

  /**
   * Sets a supplier of headers read before every plain-HTTP request and every WebSocket handshake,
   * for credentials that expire, such as bearer tokens. Its headers override the static ones of the
   * same name; headers the server offers in OpAMP connection settings override both. It runs on the
   * client's scheduler, so it must be fast and thread-safe; if it throws, the attempt fails and is
   * retried with backoff.
   */
  public OpampClientBuilder headerSupplier(Supplier<Map<String, String>> headerSupplier) {
    this.headerSupplier = requireNonNull(headerSupplier, "headerSupplier");
    return this;
  }

  /**
   * Sets the trust manager that verifies the server's certificate over {@code wss} and {@code
   * https}. Optional; by default the JDK's default trust store is used.
   */
  public OpampClientBuilder trustManager(X509TrustManager trustManager) {
    this.trustManager = requireNonNull(trustManager, "trustManager");
    return this;
  }

  /**
   * Sets the key manager that presents the client certificate for mutual TLS, e.g. a bootstrap
   * certificate (CR-03). Optional. A client certificate the server offers later replaces it once
   * the client connected with it (CS-07).
   */
  public OpampClientBuilder keyManager(X509KeyManager keyManager) {
    this.keyManager = requireNonNull(keyManager, "keyManager");
    return this;
  }

  /**
   * Sets a JDK HttpClient to share between many clients, which saves its selector thread per
   * client. Its own TLS, proxy and executor settings then apply, so {@link #trustManager}, {@link
   * #keyManager} and {@link #proxy} must not be set. When the server offers connection settings
   * with new TLS or proxy settings, the client builds its own HttpClient for them.
   */
  public OpampClientBuilder httpClient(HttpClient httpClient) {
    this.httpClient = requireNonNull(httpClient, "httpClient");
    return this;
  }

  /**
   * Sets an HTTP proxy. Connections to {@code wss}, {@code ws} and {@code https} endpoints go
   * through an HTTP {@code CONNECT} tunnel; plain {@code http} requests are sent to the proxy.
   */
  public OpampClientBuilder proxy(InetSocketAddress proxy) {
    this.proxy = requireNonNull(proxy, "proxy");
    return this;
  }

  /**
   * Sets the heartbeat interval (HB-01): a message is sent when nothing was sent for this long
   * (HB-05). A server-offered interval replaces it (HB-02). {@link Duration#ZERO} disables
   * heartbeats and leaves {@code REPORTS_HEARTBEAT} out of the capabilities. Default: 30 seconds.
   */
  public OpampClientBuilder heartbeatInterval(Duration heartbeatInterval) {
    requireNonNull(heartbeatInterval, "heartbeatInterval");
    if (heartbeatInterval.isNegative()) {
      throw new IllegalArgumentException(
          "heartbeatInterval: " + heartbeatInterval + " (expected: >= 0)");
    }
    this.heartbeatInterval = heartbeatInterval;
    return this;
  }

  /**
   * Sets how often a plain-HTTP client polls when it has nothing to send (HT-07, HT-08). A non-zero
   * heartbeat interval offered by the server replaces it (HB-09); an offered 0 never stops polling
   * (P-17). Default: the heartbeat interval, or 30 seconds when heartbeats are disabled.
   */
  public OpampClientBuilder pollingInterval(Duration pollingInterval) {
    requireNonNull(pollingInterval, "pollingInterval");
    if (pollingInterval.isNegative() || pollingInterval.isZero()) {
      throw new IllegalArgumentException(
          "pollingInterval: " + pollingInterval + " (expected: > 0)");
    }
    this.pollingInterval = pollingInterval;
    return this;
  }

  /** Sets how long opening a connection may take. Default: 10 seconds. */
  public OpampClientBuilder connectTimeout(Duration connectTimeout) {
    this.connectTimeout = positive(connectTimeout, "connectTimeout");
    return this;
  }

  /**
   * Sets how long the server may take to answer: a plain-HTTP request, or on a WebSocket the first
   * reply after a message was sent (the server answers every message, ST-04; no reply means the
   * connection is dead). Also bounds the wait for the server when stopping. Default: 30 seconds.
   */
  public OpampClientBuilder requestTimeout(Duration requestTimeout) {
    this.requestTimeout = positive(requestTimeout, "requestTimeout");
    return this;
  }

  /**
   * Sets the scheduler that runs the client's work and timers, and the JDK HttpClient's tasks. Many
   * clients can share one; the client never shuts it down. Optional; by default the client creates
   * a single daemon thread and shuts it down on stop.
   */
  public OpampClientBuilder executor(ScheduledExecutorService executor) {
    this.executor = requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Sets the executor that runs {@link ClientCallbacks} and the effective-configuration supplier.
   * The client runs them on it one at a time. Optional; by default the client's scheduler.
   */
  public OpampClientBuilder callbackExecutor(Executor callbackExecutor) {
    this.callbackExecutor = requireNonNull(callbackExecutor, "callbackExecutor");
    return this;
  }

  /** Sets the clock, for {@code Retry-After} dates and download rates. Default: the UTC clock. */
  public OpampClientBuilder clock(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
    return this;
  }

  /** Sets the random source for backoff jitter. Default: a new {@code SplittableRandom}. */
  public OpampClientBuilder random(RandomGenerator random) {
    this.random = requireNonNull(random, "random");
    return this;
  }

  /**
   * Sets the largest message sent or received (WS-L3, WS-L5, HT-L3, HT-L5), measured after
   * decompression. Default: {@link MessageLimits#defaults()}.
   */
  public OpampClientBuilder messageLimits(MessageLimits messageLimits) {
    this.messageLimits = requireNonNull(messageLimits, "messageLimits");
    return this;
  }

  /** Sets the reconnect and retry policy. Default: {@link BackoffPolicy#defaults()}. */
  public OpampClientBuilder backoff(BackoffPolicy backoff) {
    this.backoff = requireNonNull(backoff, "backoff");
    return this;
  }

  /** Sets how plain-HTTP request bodies are encoded (HT-03). Default: {@link Compression#NONE}. */
  public OpampClientBuilder requestCompression(Compression requestCompression) {
    this.requestCompression = requireNonNull(requestCompression, "requestCompression");
    return this;
  }

  /**
   * Sets the package syncer that handles package offers instead of {@link
   * ClientCallbacks#onPackagesAvailable}. Its statuses become the reported package statuses. Needs
   * {@code ACCEPTS_PACKAGES}.
   */
  public OpampClientBuilder packageSyncer(PackageSyncer packageSyncer) {
    this.packageSyncer = requireNonNull(packageSyncer, "packageSyncer");
    return this;
  }

  /**
   * Validates the settings and builds the client, which is not started yet.
   *
   * @throws IllegalStateException if a required setting is missing or settings contradict each
   *     other; the message names the setting, its value and what was expected
   */
  public OpampClient build() {
    if (serverUri == null) {
      throw new IllegalStateException(
          "serverUri: not set (expected: a ws, wss, http or https URI)");
    }
    Transport chosen =
        Transport.fromScheme(serverUri)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "serverUri: " + serverUri + " (expected: ws, wss, http or https)"));
    if (serverUri.getHost() == null) {
      throw new IllegalStateException("serverUri: " + serverUri + " (expected: a host)");
    }
    URI uri = serverUri;
    if (transport != null && transport != chosen) {
      uri = withScheme(serverUri, transport);
      chosen = transport;
    }
    require(instanceUid, "instanceUid", "an InstanceUid, e.g. InstanceUid.generate()");
    require(agentDescription, "agentDescription", "an AgentDescription");
    require(capabilities, "capabilities", "a set of AgentCapability, possibly empty");
    require(callbacks, "callbacks", "a ClientCallbacks");
    EnumSet<AgentCapability> caps = EnumSet.copyOf(capabilities);
    caps.add(AgentCapability.REPORTS_STATUS);
    if (heartbeatInterval.isZero()) {
      if (capabilities.contains(AgentCapability.REPORTS_HEARTBEAT)) {
        throw new IllegalStateException(
            "heartbeatInterval: PT0S while capabilities include REPORTS_HEARTBEAT (expected: > 0,"
                + " or leave REPORTS_HEARTBEAT out)");
      }
    } else {
      caps.add(AgentCapability.REPORTS_HEARTBEAT);
    }
    if (caps.contains(AgentCapability.REPORTS_EFFECTIVE_CONFIG)
        && effectiveConfigSupplier == null) {
      throw new IllegalStateException(
          "effectiveConfigSupplier: not set while capabilities include REPORTS_EFFECTIVE_CONFIG"
              + " (expected: a supplier of the configuration the agent runs with)");
    }
    if (packageSyncer != null && !caps.contains(AgentCapability.ACCEPTS_PACKAGES)) {
      throw new IllegalStateException(
          "packageSyncer: set while capabilities lack ACCEPTS_PACKAGES (expected: ACCEPTS_PACKAGES"
              + " in capabilities, or no package syncer)");
    }
    if (httpClient != null && (trustManager != null || keyManager != null || proxy != null)) {
      throw new IllegalStateException(
          "httpClient: set together with trustManager, keyManager or proxy (expected: configure"
              + " TLS and proxy on the shared HttpClient, or do not share one)");
    }
    Duration polling = pollingInterval;
    if (polling == null) {
      polling = heartbeatInterval.isZero() ? DEFAULT_HEARTBEAT_INTERVAL : heartbeatInterval;
    }
    ClientConfig config =
        new ClientConfig(
            uri,
            chosen,
            instanceUid,
            agentDescription,
            Collections.unmodifiableSet(caps),
            Collections.unmodifiableSet(EnumSet.copyOf(flagsOrEmpty())),
            callbacks,
            effectiveConfigSupplier,
            Collections.unmodifiableMap(new LinkedHashMap<>(headers)),
            headerSupplier,
            trustManager,
            keyManager,
            httpClient,
            proxy,
            heartbeatInterval,
            polling,
            connectTimeout,
            requestTimeout,
            executor,
            callbackExecutor,
            clock,
            random,
            messageLimits,
            backoff,
            requestCompression,
            packageSyncer);
    return DefaultOpampClient.create(config);
  }

  private Set<AgentToServerFlag> flagsOrEmpty() {
    return flags.isEmpty() ? EnumSet.noneOf(AgentToServerFlag.class) : flags;
  }

  private static void require(Object value, String name, String expected) {
    if (value == null) {
      throw new IllegalStateException(name + ": not set (expected: " + expected + ")");
    }
  }

  private static void checkHeaderName(String name) {
    if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
      throw new IllegalArgumentException(
          "header name: \"" + name + "\" (expected: a non-empty HTTP token)");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (RESERVED_HEADERS.contains(lower) || lower.startsWith("sec-websocket-")) {
      throw new IllegalArgumentException(
          "header name: \""
              + name
              + "\" is set by the client itself (expected: another header, e.g. Authorization)");
    }
  }

  private static Duration positive(Duration value, String name) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  private static URI withScheme(URI uri, Transport transport) {
    boolean secure = uri.getScheme().toLowerCase(Locale.ROOT).endsWith("s");
    String scheme =
        transport == Transport.WEBSOCKET ? (secure ? "wss" : "ws") : (secure ? "https" : "http");
    try {
      return new URI(
          scheme,
          uri.getUserInfo(),
          uri.getHost(),
          uri.getPort(),
          uri.getPath(),
          uri.getQuery(),
          uri.getFragment());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("serverUri: " + uri + " (expected: a valid URI)", e);
    }
  }
}
