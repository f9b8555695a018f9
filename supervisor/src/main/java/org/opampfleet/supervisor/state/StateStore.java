/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.ConnectionSettingsOffers;
import org.opampfleet.opamp.protocol.OpAMPConnectionSettings;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Typed access to everything the supervisor persists. Upstream-compatible files:
 *
 * <ul>
 *   <li>{@code persistent_state.yaml}: the instance UID and the last remote config status;
 *   <li>{@code last_recv_remote_config.dat}: the last remote config received, as received;
 *   <li>{@code last_working_remote_config.dat}: the last remote config that ran healthy;
 *   <li>{@code last_recv_own_telemetry_config.dat}: the own-telemetry destinations;
 *   <li>{@code effective.yaml}: the composed collector configuration.
 * </ul>
 *
 * Ours: {@code bootstrap_cache.yaml} (what bootstrap learned, see {@link BootstrapCache}), {@code
 * collector.pid} and {@code opamp_connection_settings.dat} (accepted connection settings).
 *
 * <p>A {@code .dat} file that cannot be parsed is treated as absent and reported to the warning
 * sink, so a damaged file never stops the supervisor.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
public final class StateStore {
  static final String LAST_RECEIVED_REMOTE_CONFIG = "last_recv_remote_config.dat";
  static final String LAST_WORKING_REMOTE_CONFIG = "last_working_remote_config.dat";
  static final String OWN_TELEMETRY = "last_recv_own_telemetry_config.dat";
  static final String CONNECTION_SETTINGS = "opamp_connection_settings.dat";
  static final String PID_FILE = "collector.pid";

  private final StorageDirectory storage;
  private final Consumer<String> warnings;

  /**
   * Creates the store.
   *
   * @param warnings receives a line for each damaged file that was ignored
   */
  public StateStore(StorageDirectory storage, Consumer<String> warnings) {
    this.storage = storage;
    this.warnings = warnings;
  }

  /** Returns the storage directory. */
  public StorageDirectory storage() {
    return storage;
  }

  /**
   * Loads {@code persistent_state.yaml}, or creates it with {@code seed} (if given) or a new UUIDv7
   * from {@code generator}, and writes it at once (UID-01, UID-03).
   *
   * @throws IllegalStateException if the file exists but cannot be read; the message says how to
   *     recover
   */
  public PersistentState loadOrCreateState(
      @Nullable InstanceUid seed, Supplier<InstanceUid> generator) {
    Optional<String> text = storage.readText(PersistentState.FILE);
    if (text.isPresent()) {
      try {
        return PersistentState.fromYaml(text.get());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            storage.resolve(PersistentState.FILE)
                + " is damaged ("
                + e.getMessage()
                + "); fix it or delete it to start with a new instance UID",
            e);
      }
    }
    PersistentState state = new PersistentState(seed != null ? seed : generator.get(), null);
    saveState(state);
    return state;
  }

  /** Writes {@code persistent_state.yaml}. */
  public void saveState(PersistentState state) {
    storage.writeText(PersistentState.FILE, state.toYaml());
  }

  /** Returns the last remote config received, if any (RC-11). */
  public Optional<AgentRemoteConfig> lastReceivedRemoteConfig() {
    return readProto(LAST_RECEIVED_REMOTE_CONFIG, AgentRemoteConfig.parser());
  }

  /** Saves the remote config as received, before it is checked (upstream order). */
  public void saveLastReceivedRemoteConfig(AgentRemoteConfig config) {
    storage.write(LAST_RECEIVED_REMOTE_CONFIG, config.toByteArray());
  }

  /** Returns the last remote config that ran healthy, if any (rollback). */
  public Optional<AgentRemoteConfig> lastWorkingRemoteConfig() {
    return readProto(LAST_WORKING_REMOTE_CONFIG, AgentRemoteConfig.parser());
  }

  /** Saves the last remote config that ran healthy. */
  public void saveLastWorkingRemoteConfig(AgentRemoteConfig config) {
    storage.write(LAST_WORKING_REMOTE_CONFIG, config.toByteArray());
  }

  /** Returns the own-telemetry destinations last offered, if any. */
  public Optional<ConnectionSettingsOffers> ownTelemetry() {
    return readProto(OWN_TELEMETRY, ConnectionSettingsOffers.parser());
  }

  /** Saves the own-telemetry destinations. */
  public void saveOwnTelemetry(ConnectionSettingsOffers offers) {
    storage.write(OWN_TELEMETRY, offers.toByteArray());
  }

  /** Returns the OpAMP connection settings accepted earlier, if any (ours; OC-08). */
  public Optional<OpAMPConnectionSettings> connectionSettings() {
    return readProto(CONNECTION_SETTINGS, OpAMPConnectionSettings.parser());
  }

  /** Saves OpAMP connection settings that proved to work. */
  public void saveConnectionSettings(OpAMPConnectionSettings settings) {
    storage.write(CONNECTION_SETTINGS, settings.toByteArray());
  }

  /** Writes {@code effective.yaml}. */
  public void writeEffectiveConfig(String yaml) {
    storage.writeText(StorageDirectory.EFFECTIVE_CONFIG, yaml);
  }

  /** Returns the PID recorded for the collector, if any. */
  public Optional<Long> collectorPid() {
    return storage
        .readText(PID_FILE)
        .flatMap(
            text -> {
              try {
                return Optional.of(Long.parseLong(text.trim()));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }

  /** Records the collector's PID, or clears it with null. */
  public void saveCollectorPid(@Nullable Long pid) {
    if (pid == null) {
      storage.delete(PID_FILE);
    } else {
      storage.write(PID_FILE, (pid + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** Returns the bootstrap cache, if one was saved and can be read. */
  public Optional<BootstrapCache> bootstrapCache() {
    return storage
        .readText(BootstrapCache.FILE)
        .flatMap(
            text -> {
              try {
                return Optional.of(BootstrapCache.fromYaml(text));
              } catch (IllegalArgumentException e) {
                warnings.accept("ignoring " + BootstrapCache.FILE + ": " + e.getMessage());
                return Optional.empty();
              }
            });
  }

  /** Saves the bootstrap cache. */
  public void saveBootstrapCache(BootstrapCache cache) {
    storage.writeText(BootstrapCache.FILE, cache.toYaml());
  }

  private <T extends MessageLite> Optional<T> readProto(String name, Parser<T> parser) {
    return storage
        .read(name)
        .flatMap(
            bytes -> {
              try {
                return Optional.of(parser.parseFrom(bytes));
              } catch (InvalidProtocolBufferException e) {
                warnings.accept(
                    "ignoring "
                        + storage.resolve(name)
                        + ": not a valid protobuf message ("
                        + e.getMessage()
                        + ")");
                return Optional.empty();
              }
            });
  }
}
