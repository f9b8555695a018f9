/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.supervisor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;
import org.opampfleet.opamp.protocol.AgentRemoteConfig;
import org.opampfleet.opamp.protocol.RemoteConfigStatus;
import org.opampfleet.opamp.protocol.RemoteConfigStatuses;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.InstanceUidGenerator;

/** The storage directory: upstream file names and formats, atomic 0600 writes (UID-*, RC-11). */
class StateStoreTest {
  private static final InstanceUid SEED = InstanceUid.parse("0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f");

  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private StateStore store() {
    return new StateStore(StorageDirectory.open(dir.resolve("storage")), warnings::add);
  }

  @Test
  void createsTheStateWithANewUuidV7AndKeepsIt() {
    StateStore store = store();
    PersistentState first = store.loadOrCreateState(null, InstanceUidGenerator.system()::next);
    assertThat(first.instanceId().version()).isEqualTo(7);
    PersistentState again = store().loadOrCreateState(null, InstanceUidGenerator.system()::next);
    assertThat(again.instanceId()).isEqualTo(first.instanceId());
  }

  @Test
  void usesTheConfiguredInstanceIdOnlyAsASeed() {
    StateStore store = store();
    assertThat(store.loadOrCreateState(SEED, InstanceUidGenerator.system()::next).instanceId())
        .isEqualTo(SEED);
    InstanceUid other = InstanceUid.generate();
    assertThat(store().loadOrCreateState(other, InstanceUidGenerator.system()::next).instanceId())
        .isEqualTo(SEED);
  }

  @Test
  void writesPersistentStateInTheGoSupervisorsFormat() throws IOException {
    StateStore store = store();
    store.saveState(
        new PersistentState(
            SEED,
            RemoteConfigStatus.newBuilder()
                .setLastRemoteConfigHash(ByteString.copyFrom(new byte[] {(byte) 0xab, 0x01}))
                .setStatus(RemoteConfigStatuses.RemoteConfigStatuses_FAILED)
                .setErrorMessage("boom")
                .build()));
    Path file = dir.resolve("storage/persistent_state.yaml");
    assertThat(Files.readString(file))
        .isEqualTo(
            "instance_id: 0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f\n"
                + "last_remote_config_status:\n"
                + "  error_message: boom\n"
                + "  last_remote_config_hash: ab01\n"
                + "  status: 3\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    PersistentState read = store().loadOrCreateState(null, InstanceUidGenerator.system()::next);
    assertThat(read.lastRemoteConfigStatus().getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
    assertThat(read.lastRemoteConfigStatus().getLastRemoteConfigHash().toByteArray())
        .containsExactly(0xab, 0x01);
  }

  @Test
  void readsAStateFileWrittenByTheGoSupervisor() throws IOException {
    Files.createDirectories(dir.resolve("storage"));
    Files.writeString(
        dir.resolve("storage/persistent_state.yaml"),
        "instance_id: 0193a6f0-7b2c-7d4e-9f10-2a3b4c5d6e7f\nlast_remote_config_status:\n"
            + "    last_remote_config_hash: 0a0b\n    status: 1\n");
    PersistentState state = store().loadOrCreateState(null, InstanceUidGenerator.system()::next);
    assertThat(state.instanceId()).isEqualTo(SEED);
    assertThat(state.lastRemoteConfigStatus().getStatus())
        .isEqualTo(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
  }

  @Test
  void aDamagedStateFileStopsStartUpWithAHint() throws IOException {
    Files.createDirectories(dir.resolve("storage"));
    Files.writeString(dir.resolve("storage/persistent_state.yaml"), "instance_id: not-a-uuid\n");
    assertThatThrownBy(() -> store().loadOrCreateState(null, InstanceUidGenerator.system()::next))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("persistent_state.yaml is damaged")
        .hasMessageContaining("delete it to start with a new instance UID");
  }

  @Test
  void keepsRemoteConfigsAsProtobufAndIgnoresDamagedOnes() throws IOException {
    StateStore store = store();
    AgentRemoteConfig config =
        AgentRemoteConfig.newBuilder()
            .setConfigHash(ByteString.copyFromUtf8("h"))
            .setConfig(
                AgentConfigMap.newBuilder()
                    .putConfigMap(
                        "",
                        AgentConfigFile.newBuilder()
                            .setBody(ByteString.copyFromUtf8("a: 1"))
                            .build()))
            .build();
    store.saveLastReceivedRemoteConfig(config);
    assertThat(store().lastReceivedRemoteConfig()).contains(config);
    assertThat(dir.resolve("storage/last_recv_remote_config.dat")).exists();
    Files.write(
        dir.resolve("storage/last_working_remote_config.dat"),
        new byte[] {(byte) 0xff, (byte) 0xff});
    assertThat(store.lastWorkingRemoteConfig()).isEmpty();
    assertThat(warnings).singleElement().asString().contains("last_working_remote_config.dat");
  }

  @Test
  void writesAtomicallyWithoutLeavingTemporaryFiles() throws IOException {
    StateStore store = store();
    store.writeEffectiveConfig("a: 1\n");
    store.writeEffectiveConfig("a: 2\n");
    try (var files = Files.list(dir.resolve("storage"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("effective.yaml");
    }
    assertThat(Files.readString(dir.resolve("storage/effective.yaml"))).isEqualTo("a: 2\n");
  }

  @Test
  void recordsTheCollectorPid() {
    StateStore store = store();
    store.saveCollectorPid(1234L);
    assertThat(store.collectorPid()).contains(1234L);
    store.saveCollectorPid(null);
    assertThat(store.collectorPid()).isEmpty();
  }
}
