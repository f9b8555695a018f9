/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

import java.security.PrivateKey;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.opampfleet.opamp.protocol.AgentDescription;
import org.opampfleet.opamp.protocol.AvailableComponents;
import org.opampfleet.opamp.protocol.ComponentHealth;
import org.opampfleet.opamp.protocol.ConnectionSettingsRequest;
import org.opampfleet.opamp.protocol.ConnectionSettingsStatus;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.AgentToServerFlag;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * The agent side of OpAMP: keeps a connection to an OpAMP server, reports the agent's state to it
 * and delivers what the server sends to {@link ClientCallbacks}.
 *
 * <p>Build one with {@link #builder()}, {@link #start()} it, keep its state up to date with the
 * {@code set…} methods and {@link #stop()} it when the agent shuts down. State is reported with
 * status compression: each setter reports only when the value differs from the last one, and a
 * report carries only the parts that changed since the server last received them (ST-12), with a
 * {@code sequence_num} one higher than the previous message's (ST-11). When the server asks for the
 * full state, every part the client has is sent again (ST-17).
 *
 * <p><b>Thread safety:</b> thread-safe. The setters and {@link #sendCustomMessage} may be called
 * from any thread, before or after {@link #start()}, and never block: the latest value of each
 * piece of state wins, and the client sends it at the next opportunity (ST-18).
 *
 * <p><b>Lifecycle:</b> {@code NOT_STARTED → start() → CONNECTING ⇄ CONNECTED ⇄ WAITING_TO_RECONNECT
 * → stop() → STOPPED}. A client is started at most once; a stopped client cannot be started again.
 * {@link #close()} is {@link #stop()}.
 *
 * <p><b>Threads:</b> all timers run on the scheduler given to {@link OpampClientBuilder#executor},
 * which many clients can share; without one the client owns a single daemon thread. The JDK
 * HttpClient adds its selector thread unless a shared one is given.
 */
public interface OpampClient extends AutoCloseable {

  /** Returns a builder for a client. */
  static OpampClientBuilder builder() {
    return new OpampClientBuilder();
  }

  /**
   * Starts the client: it connects in the background and sends its first status report as soon as
   * the connection is open (ST-01). Returns without waiting for the connection; follow it with
   * {@link ClientCallbacks#onConnected()} or {@link #connectionState()}.
   *
   * @throws IllegalStateException if the client was already started
   */
  void start();

  /**
   * Stops the client: sends a last message carrying {@code agent_disconnect} if the server is
   * reachable (DC-01), closes the WebSocket with a Close frame after it (WS-11, DC-02), cancels its
   * timers and releases its threads. Over plain HTTP the last request carries {@code
   * agent_disconnect} (DC-03). Waits for the server at most the connect timeout plus the request
   * timeout.
   *
   * <p>Stopping a stopped client does nothing; stopping a client that was never started just marks
   * it stopped.
   *
   * @return a future completed when the client is stopped; it never completes exceptionally
   */
  CompletableFuture<Void> stopAsync();

  /**
   * Stops the client and waits until it is stopped. See {@link #stopAsync()}.
   *
   * @throws IllegalStateException if called from a callback, where waiting would deadlock; use
   *     {@link #stopAsync()} there
   */
  void stop();

  /** Stops the client and waits until it is stopped; the same as {@link #stop()}. */
  @Override
  void close();

  /**
   * Returns the instance UID the client currently reports: the built one or one the server gave.
   */
  InstanceUid instanceUid();

  /** Returns where the client is in its life. */
  ConnectionState connectionState();

  /** Sets the agent description; reported when it differs from the previous one (AD-05). */
  void setAgentDescription(AgentDescription description);

  /**
   * Sets the agent's health, a tree of components; reported when it differs from the previous one.
   * Needs {@code REPORTS_HEALTH} (HL-01) to be sent.
   */
  void setHealth(ComponentHealth health);

  /**
   * Reads the effective-configuration supplier again and reports the configuration if it changed
   * (EC-02). Call it whenever the agent's configuration changes. Needs {@code
   * REPORTS_EFFECTIVE_CONFIG}.
   */
  void updateEffectiveConfig();

  /**
   * Sets the status of the last remote configuration received (RC-07); reported when it changed.
   * Needs {@code REPORTS_REMOTE_CONFIG} (RC-08).
   */
  void setRemoteConfigStatus(RemoteConfigStatus status);

  /**
   * Sets the statuses of the agent's packages (PK-16); reported when they changed. Needs {@code
   * REPORTS_PACKAGE_STATUSES} (PK-24). A client built with a package syncer sets them itself.
   */
  void setPackageStatuses(PackageStatuses statuses);

  /**
   * Sets the custom capabilities the agent supports (CU-01); reported when the list changed
   * (CU-02). Custom messages are only sent and received for these capabilities.
   */
  void setCustomCapabilities(CustomCapabilities capabilities);

  /**
   * Sets the components the agent contains, with their hash (AV-02). Reported when the hash
   * changed, with only the hash unless the server asked for the full map (AV-03, AV-04, AV-06).
   * Needs {@code REPORTS_AVAILABLE_COMPONENTS}.
   */
  void setAvailableComponents(AvailableComponents components);

  /**
   * Sets the status of the last connection settings offer (CS-05); reported when it changed. The
   * client sets it itself for the offers it handles; this lets an application that applies settings
   * later report the outcome. Needs {@code REPORTS_CONNECTION_SETTINGS_STATUS}.
   */
  void setConnectionSettingsStatus(ConnectionSettingsStatus status);

  /**
   * Replaces the agent's capabilities; {@code REPORTS_STATUS} is always added (GEN-03). Reported in
   * the next message (GEN-08).
   */
  void setCapabilities(Set<AgentCapability> capabilities);

  /**
   * Replaces the flags sent in every message, such as {@code REQUEST_INSTANCE_UID} (UID-04).
   * Reported in the next message.
   */
  void setFlags(Set<AgentToServerFlag> flags);

  /**
   * Sends a custom message in one of the next messages (CU-04). Custom messages are events, not
   * state: each is sent once, in order; up to 16 may wait to be sent.
   *
   * @return a future completed when the message was handed to the transport; it fails with {@link
   *     IllegalStateException} if 16 messages are already waiting or the client stopped before
   *     sending it
   * @throws IllegalArgumentException if {@code message.capability} is not one of the custom
   *     capabilities set with {@link #setCustomCapabilities}
   */
  CompletableFuture<Void> sendCustomMessage(CustomMessage message);

  /**
   * Asks the server to create OpAMP connection settings, such as a client certificate for a
   * certificate signing request (CR-05). The request is sent once the server is known to accept it
   * ({@code ACCEPTS_CONNECTION_SETTINGS_REQUEST}, CR-01); the settings arrive later as an offer
   * that the client applies like any other (CR-10). A certificate offered without {@code
   * private_key} is paired with {@code privateKey}.
   *
   * <p>Only the latest request is kept: a new one replaces a request not yet sent, whose future
   * then fails.
   *
   * @param request the request; {@code opamp.certificate_request.csr} must be set
   * @param privateKey the key the certificate signing request was signed with; it stays in memory
   *     and never leaves the client
   * @return a future completed when the request was sent; it fails with {@link
   *     IllegalStateException} if the server does not accept such requests or the client stopped
   * @throws IllegalArgumentException if the request has no certificate request (CR-05)
   */
  CompletableFuture<Void> requestConnectionSettings(
      ConnectionSettingsRequest request, PrivateKey privateKey);
}
