/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.link;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.client.ClientCallbacks;
import org.opampfleet.opamp.client.ConnectionState;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.OpampClientBuilder;
import org.opampfleet.opamp.client.TelemetrySignal;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.EffectiveConfig;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.supervisor.config.ConfigException;
import org.opampfleet.supervisor.config.SupervisorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's OpAMP connection to the upstream server (the control plane), on our client
 * library: WebSocket for {@code ws}/{@code wss}, plain HTTP polling for {@code http}/{@code https},
 * with the configured headers and TLS, the supervisor's capabilities (never the collector's), and
 * reconnection with jittered exponential backoff in the background: start-up never waits for the
 * server (compat reference 2.1 step 9).
 *
 * <p>OpAMP connection settings the server offers (with {@code accepts_opamp_connection_settings})
 * are verified by the client library before use (OC-04..OC-09) and, BETTER than upstream, the ones
 * that worked are handed to the listener to persist, so a restart keeps them; the library never
 * downgrades TLS verification.
 *
 * <p><b>Thread safety:</b> thread-safe. Listener methods run on the client's callback lane, one at
 * a time, and must hand work off quickly.
 */
public final class UpstreamLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);

  /** What the upstream server asks of the supervisor. */
  public interface Listener {
    /** The connection is up. */
    default void onConnected() {}

    /** A connection attempt failed; the client retries by itself. */
    default void onConnectFailed(Throwable cause) {}

    /** A remote config offer (needs {@code accepts_remote_config}). */
    void onRemoteConfig(AgentRemoteConfig config);

    /** A destination for the collector's own telemetry. */
    void onOwnTelemetry(TelemetrySignal signal, TelemetryConnectionSettings settings);

    /** The server assigned a new instance UID; the client already uses it. */
    void onNewInstanceUid(InstanceUid uid);

    /** The restart command (needs {@code accepts_restart_command}). */
    void onRestartCommand();

    /** A custom message for a capability the collector announced. */
    default void onCustomMessage(CustomMessage message) {}

    /** New OpAMP connection settings work and are in use: persist them. */
    default void onConnectionSettingsApplied(OpAMPConnectionSettings settings) {}
  }

  private final OpampClient client;
  private final URI endpoint;
  private final @Nullable ScheduledExecutorService ownScheduler;

  private UpstreamLink(
      OpampClient client, URI endpoint, @Nullable ScheduledExecutorService ownScheduler) {
    this.client = client;
    this.endpoint = endpoint;
    this.ownScheduler = ownScheduler;
  }

  /**
   * Builds the link (not started).
   *
   * @param persisted connection settings accepted in an earlier run, or null
   * @throws ConfigException if the TLS material cannot be used
   */
  public static UpstreamLink create(
      SupervisorConfig config,
      InstanceUid uid,
      AgentDescription description,
      Supplier<EffectiveConfig> effectiveConfig,
      @Nullable OpAMPConnectionSettings persisted,
      Listener listener) {
    SupervisorConfig.Server server = config.server();
    URI endpoint = server.endpoint();
    Map<String, String> headers = new LinkedHashMap<>();
    server.headers().forEach((name, values) -> headers.put(name, String.join(", ", values)));
    KeyManager[] offeredKeys = null;
    if (persisted != null && !persisted.getDestinationEndpoint().isEmpty()) {
      endpoint = URI.create(persisted.getDestinationEndpoint());
      if (persisted.hasHeaders()) {
        for (Header h : persisted.getHeaders().getHeadersList()) {
          headers.put(h.getKey(), h.getValue());
        }
      }
      if (persisted.hasCertificate() && !persisted.getCertificate().getPrivateKey().isEmpty()) {
        try {
          offeredKeys =
              TlsMaterial.keyManagers(
                  persisted.getCertificate().getCert().toString(StandardCharsets.US_ASCII),
                  persisted.getCertificate().getPrivateKey().toString(StandardCharsets.US_ASCII),
                  "persisted OpAMP connection settings");
        } catch (GeneralSecurityException | ConfigException e) {
          LOG.warn(
              "Ignoring the client certificate of the persisted connection settings: {}",
              e.getMessage());
        }
      }
      LOG.info(
          "Using the OpAMP connection settings the server offered earlier: endpoint {}", endpoint);
    }
    Set<AgentCapability> capabilities = EnumSet.copyOf(config.capabilities().toAgentCapabilities());
    OpampClientBuilder builder =
        OpampClient.builder()
            .serverUri(endpoint)
            .instanceUid(uid)
            .agentDescription(description)
            .headers(headers)
            .effectiveConfigSupplier(effectiveConfig)
            .callbacks(new Callbacks(listener));
    if (!config.capabilities().reportsHeartbeat()) {
      capabilities.remove(AgentCapability.REPORTS_HEARTBEAT);
      builder.heartbeatInterval(Duration.ZERO);
    }
    builder.capabilities(capabilities);
    String scheme = endpoint.getScheme();
    if (scheme.equals("ws") || scheme.equals("http")) {
      // Footprint: the JDK client would load and keep the whole CA store for TLS it never uses.
      ScheduledExecutorService scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(null, r, "opamp-client", 256 * 1024);
                t.setDaemon(true);
                return t;
              });
      builder.executor(scheduler);
      builder.httpClient(PlainHttpClients.create(scheduler, Duration.ofSeconds(10)));
      return new UpstreamLink(builder.build(), endpoint, scheduler);
    }
    if (scheme.equals("wss") || scheme.equals("https")) {
      SupervisorConfig.Tls tls = config.server().tls();
      if (offeredKeys != null) {
        for (KeyManager km : offeredKeys) {
          if (km instanceof X509KeyManager x509) {
            builder.keyManager(x509);
          }
        }
      } else {
        HttpClient http = TlsMaterial.httpClient(tls, Duration.ofSeconds(10));
        if (http != null) {
          builder.httpClient(http);
        }
      }
    }
    return new UpstreamLink(builder.build(), endpoint, null);
  }

  /** Connects in the background; returns at once. */
  public void start() {
    LOG.info("Connecting to the OpAMP server at {}", endpoint);
    client.start();
  }

  /** Returns whether the server is reachable now. */
  public boolean isConnected() {
    return client.connectionState() == ConnectionState.CONNECTED;
  }

  /** Returns the instance UID in use. */
  public InstanceUid instanceUid() {
    return client.instanceUid();
  }

  /** Reports the agent's health. */
  public void setHealth(ComponentHealth health) {
    client.setHealth(health);
  }

  /** Reports a remote config status (RC-07). */
  public void setRemoteConfigStatus(RemoteConfigStatus status) {
    client.setRemoteConfigStatus(status);
  }

  /** Re-reads the effective config supplier and reports it if it changed. */
  public void updateEffectiveConfig() {
    client.updateEffectiveConfig();
  }

  /** Reports the agent description. */
  public void setAgentDescription(AgentDescription description) {
    client.setAgentDescription(description);
  }

  /** Reports the available components. */
  public void setAvailableComponents(AvailableComponents components) {
    client.setAvailableComponents(components);
  }

  /** Forwards the collector's custom capabilities. */
  public void setCustomCapabilities(CustomCapabilities capabilities) {
    client.setCustomCapabilities(capabilities);
  }

  /** Forwards a custom message from the collector; dropped with a warning if the queue is full. */
  public void sendCustomMessage(CustomMessage message) {
    try {
      client
          .sendCustomMessage(message)
          .exceptionally(
              e -> {
                LOG.warn("Dropped a custom message from the collector: {}", e.getMessage());
                return null;
              });
    } catch (IllegalArgumentException e) {
      LOG.warn("Dropped a custom message from the collector: {}", e.getMessage());
    }
  }

  /** Sends the final message ({@code agent_disconnect}) and closes the connection. */
  @Override
  public void close() {
    client.stop();
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
  }

  private static final class Callbacks implements ClientCallbacks {
    private final Listener listener;

    Callbacks(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void onConnected() {
      listener.onConnected();
    }

    @Override
    public void onConnectFailed(Throwable cause) {
      listener.onConnectFailed(cause);
    }

    @Override
    public void onRemoteConfig(AgentRemoteConfig config) {
      listener.onRemoteConfig(config);
    }

    @Override
    public void onOwnTelemetryConnectionSettings(
        TelemetrySignal signal, TelemetryConnectionSettings settings) {
      listener.onOwnTelemetry(signal, settings);
    }

    @Override
    public void onNewInstanceUid(InstanceUid newUid) {
      listener.onNewInstanceUid(newUid);
    }

    @Override
    public void onCommand(ServerToAgentCommand command) {
      listener.onRestartCommand();
    }

    @Override
    public void onCustomMessage(CustomMessage message) {
      listener.onCustomMessage(message);
    }

    @Override
    public void onOpampConnectionSettingsApplied(OpAMPConnectionSettings applied) {
      listener.onConnectionSettingsApplied(applied);
    }
  }
}
