/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client;

import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.CustomCapabilities;
import org.opampfleet.opamp.protocol.CustomMessage;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.OtherConnectionSettings;
import org.opampfleet.opamp.protocol.PackagesAvailable;
import org.opampfleet.opamp.protocol.ServerErrorResponse;
import org.opampfleet.opamp.protocol.ServerToAgentCommand;
import org.opampfleet.opamp.protocol.TelemetryConnectionSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Receives what the server sends and what happens to the connection. Every method has a no-op
 * default, so an application implements only what it handles.
 *
 * <p><b>Thread safety:</b> the client calls these methods on its callback executor ({@link
 * OpampClientBuilder#callbackExecutor}, by default the client's scheduler), one at a time and in
 * the order the events happened: calls are never concurrent for one client, and each call
 * happens-before the next. They are never made on the JDK HttpClient's I/O threads. A method may
 * call any method of the {@link OpampClient} except the blocking {@link OpampClient#stop()}; it may
 * block for a short while (applying a configuration), but everything else the client delivers waits
 * meanwhile, so long work belongs on the application's own executor.
 *
 * <p><b>Capabilities:</b> a method that belongs to an agent capability is only called when the
 * agent declared that capability; the parts of a server message for undeclared capabilities are
 * ignored (GEN-09).
 *
 * <p><b>Errors:</b> an exception thrown by a callback is logged and otherwise ignored, except where
 * a method says that throwing refuses what was offered.
 */
public interface ClientCallbacks {

  /**
   * Called when the client is talking to the server: the WebSocket handshake succeeded, or a
   * plain-HTTP request got its first valid answer after start or after a failure.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onConnected() {}

  /**
   * Called when an attempt to reach the server failed: the connection could not be opened, the
   * server refused it (for example {@code 401} or {@code 503}) or a plain-HTTP request failed. The
   * client retries by itself, with backoff.
   *
   * @param cause what went wrong; its message names the endpoint and the problem but never a header
   *     value
   *     <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onConnectFailed(Throwable cause) {}

  /**
   * Called when an established WebSocket connection ended without the client asking for it: the
   * server closed it, the network failed, a reply was malformed or did not come in time. The client
   * reconnects by itself.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onConnectionLost(Throwable cause) {}

  /**
   * Called when the server answered with a {@code ServerErrorResponse}. The client already acts on
   * it: it does not resend a message answered with {@code BadRequest} or {@code Unknown} (ER-02),
   * and after {@code Unavailable} it disconnects and waits what {@code retry_info} says (ER-05).
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onServerError(ServerErrorResponse error) {}

  /**
   * Called with a remote configuration offer (needs {@code ACCEPTS_REMOTE_CONFIG}).
   *
   * <p>The application applies it and reports the outcome with {@link
   * OpampClient#setRemoteConfigStatus}, carrying {@code config_hash} even when it fails (RC-07).
   * The server may send the same configuration again; compare {@code config_hash} with what was
   * applied.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onRemoteConfig(AgentRemoteConfig config) {}

  /**
   * Called with new settings for the OpAMP connection itself (needs {@code
   * ACCEPTS_OPAMP_CONNECTION_SETTINGS}), before the client switches to them.
   *
   * <p>Return normally to let the client switch; throw to refuse them, in which case the client
   * keeps its settings and reports {@code FAILED} with the exception's message. The application may
   * store the offer here as a candidate (OC-03). The client then performs the switch safely: it
   * reports {@code APPLYING}, disconnects, connects with the new settings, and on success reports
   * {@code APPLIED} and calls {@link #onOpampConnectionSettingsApplied}; on failure it goes back to
   * the old settings, reports {@code FAILED} and calls {@link #onOpampConnectionSettingsFailed}
   * (OC-04 to OC-09). Statuses are reported when the agent declared {@code
   * REPORTS_CONNECTION_SETTINGS_STATUS}.
   *
   * <p>The heartbeat interval in these settings is applied by the client whenever the agent
   * declared {@code REPORTS_HEARTBEAT}, even without this capability.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onOpampConnectionSettings(OpAMPConnectionSettings offered) {}

  /**
   * Called when the client connected successfully with new OpAMP connection settings and now uses
   * them; the old ones are forgotten. An application that persists its settings stores these as the
   * valid ones (OC-08).
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onOpampConnectionSettingsApplied(OpAMPConnectionSettings applied) {}

  /**
   * Called when the client could not use new OpAMP connection settings and went back to the old
   * ones (OC-09). An application that stored the offer as a candidate deletes it.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onOpampConnectionSettingsFailed(OpAMPConnectionSettings offered, Throwable cause) {}

  /**
   * Called with a destination for the agent's own telemetry (needs the signal's {@code
   * REPORTS_OWN_*} capability). The endpoint is a full OTLP/HTTP URL including the signal's path.
   * Throw to refuse the settings; the client then reports {@code FAILED}.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onOwnTelemetryConnectionSettings(
      TelemetrySignal signal, TelemetryConnectionSettings settings) {}

  /**
   * Called with settings for a named, agent-specific destination (needs {@code
   * ACCEPTS_OTHER_CONNECTION_SETTINGS}), once per name in the offer. Throw to refuse the settings;
   * the client then reports {@code FAILED}.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onOtherConnectionSettings(String name, OtherConnectionSettings settings) {}

  /**
   * Called with the packages the server offers (needs {@code ACCEPTS_PACKAGES}), unless the client
   * was built with a {@link org.opampfleet.opamp.client.packages.PackageSyncer}, which then handles
   * the offer instead.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onPackagesAvailable(PackagesAvailable packages) {}

  /**
   * Called after the client adopted an instance UID the server assigned (UID-07). The client
   * already uses it in every later message and in the {@code OpAMP-Instance-UID} header, and no
   * longer sets {@code RequestInstanceUid}. The application persists it and updates attributes
   * derived from it, such as {@code service.instance.id} (UID-12).
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onNewInstanceUid(InstanceUid newUid) {}

  /**
   * Called with a command (needs {@code ACCEPTS_RESTART_COMMAND} for the restart command, the only
   * one OpAMP defines). The client ignored every other part of the message that carried it (CM-03).
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onCommand(ServerToAgentCommand command) {}

  /**
   * Called with a custom message for one of the custom capabilities the agent announced with {@link
   * OpampClient#setCustomCapabilities}; messages for other capabilities are dropped (CU-05).
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onCustomMessage(CustomMessage message) {}

  /**
   * Called with the custom capabilities the server supports, whenever the server sends them.
   *
   * <p>Called on the callback executor, never concurrently with another callback.
   */
  default void onCustomCapabilities(CustomCapabilities capabilities) {}
}
