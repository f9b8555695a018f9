/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opampfleet.opamp.client.OpampClient;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.client.testing.FakeOpampServer;
import org.opampfleet.opamp.client.testing.OpampClientContract;
import org.opampfleet.opamp.client.testing.RecordingCallbacks;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.DownloadableFile;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.Headers;
import org.opampfleet.opamp.protocol.PackageAvailable;
import org.opampfleet.opamp.protocol.PackageStatus;
import org.opampfleet.opamp.protocol.PackageStatusEnum;
import org.opampfleet.opamp.protocol.PackagesAvailable;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.AgentCapability;
import org.opampfleet.opamp.protocol.wire.InstanceUid;

/**
 * Package offers end to end: the fake server offers packages and serves their files, the client's
 * {@link DownloadingPackageSyncer} downloads, verifies and installs them, and the statuses arrive
 * on the wire.
 */
class PackageSyncIT {

  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final byte[] CONTENT = "agent binary v1".getBytes(StandardCharsets.UTF_8);

  @TempDir Path store;
  private FakeOpampServer server;
  private final List<OpampClient> clients = new ArrayList<>();
  private final List<String> installed = new CopyOnWriteArrayList<>();
  private final List<String> removed = new CopyOnWriteArrayList<>();
  private final PackageInstaller installer =
      new PackageInstaller() {
        @Override
        public void install(String name, PackageAvailable offer, Path verifiedFile)
            throws IOException {
          installed.add(name + "=" + Files.readString(verifiedFile));
        }

        @Override
        public void remove(String name) {
          removed.add(name);
        }
      };

  @BeforeEach
  void startServer() throws Exception {
    server = FakeOpampServer.start();
    server.addDownload("agent.bin", CONTENT);
  }

  @AfterEach
  void stop() {
    clients.forEach(OpampClient::stop);
    server.close();
  }

  private InstanceUid startClient(Transport transport, PackageSyncer syncer) {
    InstanceUid uid = InstanceUid.generate();
    OpampClient client =
        OpampClient.builder()
            .serverUri(server.uri(transport))
            .instanceUid(uid)
            .agentDescription(OpampClientContract.DESCRIPTION)
            .capabilities(
                EnumSet.of(
                    AgentCapability.ACCEPTS_PACKAGES, AgentCapability.REPORTS_PACKAGE_STATUSES))
            .callbacks(new RecordingCallbacks())
            .pollingInterval(Duration.ofMillis(150))
            .packageSyncer(syncer)
            .build();
    clients.add(client);
    client.start();
    await().atMost(AWAIT).until(() -> !server.received().isEmpty());
    return uid;
  }

  private DownloadingPackageSyncer.Builder syncer() {
    return DownloadingPackageSyncer.builder(store)
        .installer(installer)
        .progressInterval(Duration.ZERO);
  }

  private PackagesAvailable offer(byte[] contentHash, String allHash) {
    return PackagesAvailable.newBuilder()
        .setAllPackagesHash(ByteString.copyFromUtf8(allHash))
        .putPackages(
            "agent",
            PackageAvailable.newBuilder()
                .setVersion("1.0")
                .setHash(ByteString.copyFromUtf8("pkg-hash-1"))
                .setFile(
                    DownloadableFile.newBuilder()
                        .setDownloadUrl(server.downloadUri("agent.bin").toString())
                        .setContentHash(ByteString.copyFrom(contentHash))
                        .setHeaders(
                            Headers.newBuilder()
                                .addHeaders(
                                    Header.newBuilder()
                                        .setKey("Authorization")
                                        .setValue("Bearer download"))))
                .build())
        .build();
  }

  private PackageStatus awaitStatus(PackageStatusEnum status) {
    await()
        .atMost(AWAIT)
        .until(
            () -> statuses().anyMatch(s -> s.getStatus() == status && s.getName().equals("agent")));
    return statuses().filter(s -> s.getStatus() == status).findFirst().orElseThrow();
  }

  private Stream<PackageStatus> statuses() {
    return server.received().stream()
        .filter(AgentToServer::hasPackageStatuses)
        .flatMap(message -> message.getPackageStatuses().getPackagesMap().values().stream());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void downloadsVerifiesInstallsAndReportsEveryStep(Transport transport) throws Exception {
    // PK-11, PK-13, PK-14, PK-15, PK-16, PK-17, PK-18, PK-19, PK-20, PK-21
    InstanceUid uid = startClient(transport, syncer().build());
    server.send(
        uid,
        ServerToAgent.newBuilder().setPackagesAvailable(offer(sha256(CONTENT), "all-1")).build());

    PackageStatus done = awaitStatus(PackageStatusEnum.PackageStatusEnum_Installed);
    assertThat(done.getAgentHasVersion()).isEqualTo("1.0");
    assertThat(done.getAgentHasHash().toStringUtf8()).isEqualTo("pkg-hash-1");
    assertThat(done.getServerOfferedHash().toStringUtf8()).isEqualTo("pkg-hash-1");
    assertThat(done.getErrorMessage()).isEmpty();
    assertThat(installed).containsExactly("agent=agent binary v1");
    PackageStatus downloading = awaitStatus(PackageStatusEnum.PackageStatusEnum_Downloading);
    assertThat(downloading.hasDownloadDetails()).isTrue();
    assertThat(downloading.getServerOfferedHash().toStringUtf8()).isEqualTo("pkg-hash-1");
    assertThat(downloading.getAgentHasHash()).isEmpty();
    await()
        .atMost(AWAIT)
        .until(
            () ->
                server.received().stream()
                    .anyMatch(
                        message ->
                            message
                                .getPackageStatuses()
                                .getServerProvidedAllPackagesHash()
                                .toStringUtf8()
                                .equals("all-1")));
    // The offered download headers were sent (PK-13).
    assertThat(server.downloadRequests().get(0)).containsEntry("authorization", "Bearer download");
  }

  @Test
  void reportsAHashMismatchAsFailedAndInstallsNothing() throws Exception {
    // PK-14, PK-21: a file whose SHA-256 differs from content_hash is never installed.
    InstanceUid uid = startClient(Transport.WEBSOCKET, syncer().build());
    byte[] wrongHash = sha256("something else".getBytes(StandardCharsets.UTF_8));
    server.send(
        uid, ServerToAgent.newBuilder().setPackagesAvailable(offer(wrongHash, "all-1")).build());

    PackageStatus failed = awaitStatus(PackageStatusEnum.PackageStatusEnum_InstallFailed);
    assertThat(failed.getErrorMessage()).contains("does not match content_hash");
    assertThat(failed.getServerOfferedHash().toStringUtf8()).isEqualTo("pkg-hash-1");
    assertThat(failed.getAgentHasVersion()).isEmpty();
    assertThat(installed).isEmpty();
    try (Stream<Path> files = Files.walk(store)) {
      assertThat(files.filter(Files::isRegularFile).map(path -> path.getFileName().toString()))
          .allMatch(name -> name.endsWith("-all-packages-hash"));
    }
  }

  @Test
  void refusesAPackageWhoseSignatureDoesNotVerify() throws Exception {
    // PK-14, section 5 (code signing)
    SignatureVerifier verifier =
        (name, file, signature) -> {
          throw new GeneralSecurityException("no valid signature for " + name);
        };
    InstanceUid uid = startClient(Transport.HTTP, syncer().signatureVerifier(verifier).build());
    server.send(
        uid,
        ServerToAgent.newBuilder().setPackagesAvailable(offer(sha256(CONTENT), "all-1")).build());

    PackageStatus failed = awaitStatus(PackageStatusEnum.PackageStatusEnum_InstallFailed);
    assertThat(failed.getErrorMessage()).contains("no valid signature for agent");
    assertThat(installed).isEmpty();
  }

  @Test
  void skipsAnOfferItAlreadySyncedAndRemovesPackagesNoLongerOffered() throws Exception {
    // PK-10, PK-12, A-16, and persistence across a restart of the agent.
    InstanceUid uid = startClient(Transport.WEBSOCKET, syncer().build());
    server.send(
        uid,
        ServerToAgent.newBuilder().setPackagesAvailable(offer(sha256(CONTENT), "all-1")).build());
    awaitStatus(PackageStatusEnum.PackageStatusEnum_Installed);
    await().atMost(AWAIT).until(() -> server.downloadRequests().size() == 1);

    // A restarted agent knows what it has.
    DownloadingPackageSyncer restarted = syncer().build();
    assertThat(restarted.statuses().getPackagesMap().get("agent").getAgentHasVersion())
        .isEqualTo("1.0");
    assertThat(restarted.statuses().getServerProvidedAllPackagesHash().toStringUtf8())
        .isEqualTo("all-1");

    server.send(
        uid,
        ServerToAgent.newBuilder().setPackagesAvailable(offer(sha256(CONTENT), "all-1")).build());
    server.send(
        uid,
        ServerToAgent.newBuilder()
            .setPackagesAvailable(
                PackagesAvailable.newBuilder().setAllPackagesHash(ByteString.copyFromUtf8("all-2")))
            .build());

    await().atMost(AWAIT).until(() -> removed.contains("agent"));
    await()
        .atMost(AWAIT)
        .until(
            () -> {
              List<AgentToServer> received = server.received();
              AgentToServer last =
                  received.stream()
                      .filter(AgentToServer::hasPackageStatuses)
                      .reduce((a, b) -> b)
                      .orElseThrow();
              return last.getPackageStatuses().getPackagesMap().isEmpty()
                  && last.getPackageStatuses()
                      .getServerProvidedAllPackagesHash()
                      .toStringUtf8()
                      .equals("all-2");
            });
    assertThat(server.downloadRequests()).hasSize(1);
  }

  private static byte[] sha256(byte[] content) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(content);
  }
}
