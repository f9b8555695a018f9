/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.packages;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.opampfleet.opamp.protocol.DownloadableFile;
import org.opampfleet.opamp.protocol.Header;
import org.opampfleet.opamp.protocol.PackageAvailable;
import org.opampfleet.opamp.protocol.PackageDownloadDetails;
import org.opampfleet.opamp.protocol.PackageStatus;
import org.opampfleet.opamp.protocol.PackageStatusEnum;
import org.opampfleet.opamp.protocol.PackageStatuses;
import org.opampfleet.opamp.protocol.PackagesAvailable;

/**
 * A {@link PackageSyncer} that downloads offered packages with the JDK HttpClient into a store
 * directory, verifies them and installs them.
 *
 * <p>For each offer it follows the OpAMP package flow: if the offer's {@code all_packages_hash} is
 * the one it last synced completely, it stops (PK-10); a package whose {@code hash} it already has
 * is skipped (PK-11); a package whose local file already has the offered {@code content_hash} is
 * not downloaded again (PK-13); otherwise the file is downloaded with the offered headers, its
 * SHA-256 is compared with {@code content_hash} and, when a {@link SignatureVerifier} is set, its
 * signature is checked (PK-14). A file that fails either check is deleted and never installed; the
 * package is then reported {@code InstallFailed} and keeps its previous version. Verified files are
 * handed to the {@link PackageInstaller}. Packages installed from earlier offers and no longer
 * offered are removed (PK-12, A-16). Statuses are reported throughout: {@code Downloading} with
 * progress, {@code Installing}, {@code Installed} or {@code InstallFailed} (PK-15 to PK-22), with
 * {@code server_provided_all_packages_hash} set to the last offer's hash (PK-17). Hashes are
 * compared as opaque bytes (PK-23).
 *
 * <p>The store keeps, per package, the installed file (named by its SHA-256) and a small properties
 * file with its version and hashes, so that a restarted agent reports what it has.
 *
 * <p><b>Thread safety:</b> thread-safe. Downloads, verification and installation run on the
 * HttpClient's executor, one package at a time.
 */
public final class DownloadingPackageSyncer implements PackageSyncer {

  private static final System.Logger LOG =
      System.getLogger(DownloadingPackageSyncer.class.getName());
  private static final String STATE_FILE = "package.properties";
  private static final String SYNCED_HASH_FILE = "synced-all-packages-hash";
  private static final String OFFERED_HASH_FILE = "offered-all-packages-hash";
  private static final HexFormat HEX = HexFormat.of();

  private final Path store;
  private final HttpClient httpClient;
  private final SignatureVerifier signatureVerifier;
  private final PackageInstaller installer;
  private final Clock clock;
  private final Duration progressInterval;
  private final long maxPackageBytes;
  private final Duration downloadTimeout;

  // Guarded by this.
  private final Map<String, Installed> installed = new TreeMap<>();
  private final Map<String, PackageStatus> statuses = new TreeMap<>();
  private ByteString syncedHash;
  private ByteString offeredHash;

  /** What the store holds for one package. */
  private record Installed(String version, ByteString hash, ByteString contentHash) {}

  private DownloadingPackageSyncer(Builder builder) throws IOException {
    this.store = builder.store;
    this.httpClient =
        builder.httpClient != null
            ? builder.httpClient
            : HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    this.signatureVerifier = builder.signatureVerifier;
    this.installer = builder.installer;
    this.clock = builder.clock;
    this.progressInterval = builder.progressInterval;
    this.maxPackageBytes = builder.maxPackageBytes;
    this.downloadTimeout = builder.downloadTimeout;
    Files.createDirectories(store);
    load();
  }

  /**
   * Returns a builder for a syncer that keeps its packages in {@code storeDirectory}, which it
   * creates if needed and owns: nothing else should write there.
   */
  public static Builder builder(Path storeDirectory) {
    return new Builder(requireNonNull(storeDirectory, "storeDirectory"));
  }

  @Override
  public synchronized PackageStatuses statuses() {
    PackageStatuses.Builder builder = PackageStatuses.newBuilder().putAllPackages(statuses);
    if (offeredHash != null) {
      builder.setServerProvidedAllPackagesHash(offeredHash);
    }
    return builder.build();
  }

  @Override
  public CompletableFuture<Void> sync(
      PackagesAvailable offer, Consumer<PackageStatuses> statusSink) {
    requireNonNull(offer, "offer");
    requireNonNull(statusSink, "statusSink");
    synchronized (this) {
      offeredHash = offer.getAllPackagesHash();
      writeHash(OFFERED_HASH_FILE, offeredHash);
      if (syncedHash != null && syncedHash.equals(offer.getAllPackagesHash())) {
        // Everything offered is already here (PK-10).
        statusSink.accept(statuses());
        return CompletableFuture.completedFuture(null);
      }
    }
    statusSink.accept(statuses());
    List<String> failures = new ArrayList<>();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (Map.Entry<String, PackageAvailable> entry :
        new TreeMap<>(offer.getPackagesMap()).entrySet()) {
      String name = entry.getKey();
      PackageAvailable available = entry.getValue();
      chain =
          chain.thenCompose(
              ignored ->
                  syncOne(name, available, statusSink)
                      .exceptionally(
                          error -> {
                            String message = describe(error);
                            failed(name, available, message, statusSink);
                            return message;
                          })
                      .thenAccept(
                          failure -> {
                            if (failure != null) {
                              synchronized (failures) {
                                failures.add(name);
                              }
                            }
                          }));
    }
    return chain
        .thenRun(() -> removeUnoffered(offer, statusSink, failures))
        .thenRun(
            () -> {
              synchronized (this) {
                if (failures.isEmpty()) {
                  syncedHash = offer.getAllPackagesHash();
                  writeHash(SYNCED_HASH_FILE, syncedHash);
                }
              }
              // Final statuses of every package, success or not (PK-15).
              statusSink.accept(statuses());
            });
  }

  /** Returns null on success, or the failure message already reported as InstallFailed. */
  private CompletableFuture<String> syncOne(
      String name, PackageAvailable available, Consumer<PackageStatuses> statusSink) {
    Installed current;
    synchronized (this) {
      current = installed.get(name);
    }
    if (current != null && current.hash().equals(available.getHash())) {
      // Same package identity: nothing to do (PK-11).
      report(name, installedStatus(name, current, available), statusSink);
      return CompletableFuture.completedFuture(null);
    }
    DownloadableFile file = available.getFile();
    ByteString contentHash = file.getContentHash();
    if (contentHash.size() != 32) {
      String message =
          "file.content_hash is " + contentHash.size() + " bytes (expected: a 32-byte SHA-256)";
      failed(name, available, message, statusSink);
      return CompletableFuture.completedFuture(message);
    }
    if (current != null && current.contentHash().equals(contentHash)) {
      // The content is already here under another package hash (PK-13).
      Installed updated = new Installed(available.getVersion(), available.getHash(), contentHash);
      persist(name, updated);
      report(name, installedStatus(name, updated, available), statusSink);
      return CompletableFuture.completedFuture(null);
    }
    URI uri;
    try {
      uri = URI.create(file.getDownloadUrl());
    } catch (IllegalArgumentException e) {
      String message = "file.download_url: " + file.getDownloadUrl() + " is not a URI";
      failed(name, available, message, statusSink);
      return CompletableFuture.completedFuture(message);
    }
    report(name, downloading(name, current, available, 0, 0), statusSink);
    Path directory = directory(name);
    Path temp;
    try {
      Files.createDirectories(directory);
      temp = Files.createTempFile(directory, "download-", ".part");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(downloadTimeout).GET();
    for (Header header : file.getHeaders().getHeadersList()) {
      // The offered headers, e.g. credentials for the download server (PK-13).
      request.header(header.getKey(), header.getValue());
    }
    Instant started = clock.instant();
    return httpClient
        .sendAsync(
            request.build(),
            info ->
                info.statusCode() / 100 == 2
                    ? new FileDownload(
                        temp,
                        info.headers().firstValueAsLong("Content-Length").orElse(-1),
                        (bytes, total) ->
                            report(
                                name,
                                downloading(
                                    name,
                                    current,
                                    available,
                                    total > 0 ? 100.0 * bytes / total : 0,
                                    rate(bytes, started)),
                                statusSink))
                    : HttpResponse.BodySubscribers.replacing(null))
        .thenApply(
            response -> {
              if (response.statusCode() / 100 != 2) {
                deleteQuietly(temp);
                String message =
                    "downloading " + uri + " was answered with HTTP " + response.statusCode();
                failed(name, available, message, statusSink);
                return message;
              }
              return install(name, available, current, temp, response.body(), statusSink);
            })
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                deleteQuietly(temp);
              }
            });
  }

  private String install(
      String name,
      PackageAvailable available,
      Installed current,
      Path temp,
      byte[] digest,
      Consumer<PackageStatuses> statusSink) {
    ByteString contentHash = available.getFile().getContentHash();
    if (!MessageDigest.isEqual(digest, contentHash.toByteArray())) {
      // Never install a file whose hash does not match (PK-14).
      deleteQuietly(temp);
      String message =
          "the downloaded file's SHA-256 "
              + HEX.formatHex(digest)
              + " does not match content_hash "
              + HEX.formatHex(contentHash.toByteArray());
      failed(name, available, message, statusSink);
      return message;
    }
    if (signatureVerifier != null) {
      try {
        signatureVerifier.verify(name, temp, available.getFile().getSignature());
      } catch (GeneralSecurityException | IOException | RuntimeException e) {
        deleteQuietly(temp);
        String message = "the signature does not verify: " + e.getMessage();
        failed(name, available, message, statusSink);
        return message;
      }
    }
    report(name, installing(name, current, available), statusSink);
    Path target = directory(name).resolve(HEX.formatHex(digest));
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      installer.install(name, available, target);
    } catch (IOException | RuntimeException e) {
      if (current == null || !current.contentHash().equals(contentHash)) {
        deleteQuietly(target);
      }
      deleteQuietly(temp);
      String message = "installing failed: " + e.getMessage();
      failed(name, available, message, statusSink);
      return message;
    }
    Installed updated = new Installed(available.getVersion(), available.getHash(), contentHash);
    persist(name, updated);
    if (current != null && !current.contentHash().equals(contentHash)) {
      deleteQuietly(directory(name).resolve(HEX.formatHex(current.contentHash().toByteArray())));
    }
    report(name, installedStatus(name, updated, available), statusSink);
    return null;
  }

  private void removeUnoffered(
      PackagesAvailable offer, Consumer<PackageStatuses> statusSink, List<String> failures) {
    List<String> gone = new ArrayList<>();
    synchronized (this) {
      for (String name : installed.keySet()) {
        if (!offer.getPackagesMap().containsKey(name)) {
          gone.add(name);
        }
      }
      // Failed packages the server no longer offers and the agent never had: nothing to report.
      statuses
          .keySet()
          .removeIf(
              name -> !offer.getPackagesMap().containsKey(name) && !installed.containsKey(name));
    }
    for (String name : gone) {
      try {
        // Only packages installed from offers live in the store, so only those are removed.
        installer.remove(name);
        deleteDirectory(directory(name));
        synchronized (this) {
          installed.remove(name);
          statuses.remove(name);
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove package " + name, e);
        synchronized (failures) {
          failures.add(name);
        }
      }
    }
    if (!gone.isEmpty()) {
      statusSink.accept(statuses());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Statuses (PK-18 to PK-21).

  private synchronized void report(
      String name, PackageStatus status, Consumer<PackageStatuses> statusSink) {
    statuses.put(name, status);
    statusSink.accept(statuses());
  }

  private void failed(
      String name,
      PackageAvailable available,
      String message,
      Consumer<PackageStatuses> statusSink) {
    Installed current;
    synchronized (this) {
      current = installed.get(name);
    }
    LOG.log(System.Logger.Level.WARNING, "package {0}: {1}", name, message);
    report(
        name,
        base(name, current, available)
            .setStatus(PackageStatusEnum.PackageStatusEnum_InstallFailed)
            .setErrorMessage(message)
            .build(),
        statusSink);
  }

  private static PackageStatus.Builder base(
      String name, Installed current, PackageAvailable available) {
    PackageStatus.Builder builder =
        PackageStatus.newBuilder()
            .setName(name)
            .setServerOfferedVersion(available.getVersion())
            .setServerOfferedHash(available.getHash());
    if (current != null) {
      builder.setAgentHasVersion(current.version()).setAgentHasHash(current.hash());
    }
    return builder;
  }

  private static PackageStatus downloading(
      String name, Installed current, PackageAvailable available, double percent, double rate) {
    return base(name, current, available)
        .setStatus(PackageStatusEnum.PackageStatusEnum_Downloading)
        .setDownloadDetails(
            PackageDownloadDetails.newBuilder()
                .setDownloadPercent(percent)
                .setDownloadBytesPerSecond(rate))
        .build();
  }

  private static PackageStatus installing(
      String name, Installed current, PackageAvailable available) {
    return base(name, current, available)
        .setStatus(PackageStatusEnum.PackageStatusEnum_Installing)
        .build();
  }

  private static PackageStatus installedStatus(
      String name, Installed current, PackageAvailable available) {
    return base(name, current, available)
        .setStatus(PackageStatusEnum.PackageStatusEnum_Installed)
        .build();
  }

  private double rate(long bytes, Instant started) {
    double seconds = Duration.between(started, clock.instant()).toNanos() / 1e9;
    return seconds <= 0 ? 0 : bytes / seconds;
  }

  // ---------------------------------------------------------------------------------------------
  // The store.

  private Path directory(String name) {
    return store.resolve(
        "p-"
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(name.getBytes(StandardCharsets.UTF_8)));
  }

  private synchronized void load() throws IOException {
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(store, "p-*")) {
      for (Path directory : directories) {
        Path stateFile = directory.resolve(STATE_FILE);
        if (!Files.isRegularFile(stateFile)) {
          continue;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(stateFile)) {
          properties.load(in);
        }
        String name = properties.getProperty("name");
        Installed package1 =
            new Installed(
                properties.getProperty("version", ""),
                ByteString.copyFrom(HEX.parseHex(properties.getProperty("hash", ""))),
                ByteString.copyFrom(HEX.parseHex(properties.getProperty("contentHash", ""))));
        if (name == null) {
          continue;
        }
        installed.put(name, package1);
        // Locally known packages are reported as installed; the offer fields come with the next
        // offer.
        statuses.put(
            name,
            PackageStatus.newBuilder()
                .setName(name)
                .setAgentHasVersion(package1.version())
                .setAgentHasHash(package1.hash())
                .setServerOfferedVersion(package1.version())
                .setServerOfferedHash(package1.hash())
                .setStatus(PackageStatusEnum.PackageStatusEnum_Installed)
                .build());
      }
    }
    syncedHash = readHash(SYNCED_HASH_FILE);
    offeredHash = readHash(OFFERED_HASH_FILE);
  }

  private synchronized void persist(String name, Installed package1) {
    Properties properties = new Properties();
    properties.setProperty("name", name);
    properties.setProperty("version", package1.version());
    properties.setProperty("hash", HEX.formatHex(package1.hash().toByteArray()));
    properties.setProperty("contentHash", HEX.formatHex(package1.contentHash().toByteArray()));
    Path directory = directory(name);
    try {
      Files.createDirectories(directory);
      Path temp = Files.createTempFile(directory, "state-", ".tmp");
      try (OutputStream out = Files.newOutputStream(temp)) {
        properties.store(out, null);
      }
      Files.move(
          temp,
          directory.resolve(STATE_FILE),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record package " + name + " in the store", e);
    }
    installed.put(name, package1);
  }

  private ByteString readHash(String file) throws IOException {
    Path path = store.resolve(file);
    if (!Files.isRegularFile(path)) {
      return null;
    }
    return ByteString.copyFrom(HEX.parseHex(Files.readString(path).trim()));
  }

  private void writeHash(String file, ByteString hash) {
    try {
      Files.writeString(store.resolve(file), HEX.formatHex(hash.toByteArray()));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot write " + file, e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot delete " + path, e);
    }
  }

  private static void deleteDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        Files.deleteIfExists(entry);
      }
    }
    Files.deleteIfExists(directory);
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null
        && (cause instanceof java.util.concurrent.CompletionException
            || cause instanceof UncheckedIOException)) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
  }

  /** Receives download progress. */
  private interface Progress {
    void bytes(long received, long total);
  }

  /** Streams a download into a file, computing its SHA-256 and bounding its size. */
  private final class FileDownload implements HttpResponse.BodySubscriber<byte[]> {
    private final Path file;
    private final long total;
    private final Progress progress;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final MessageDigest digest;
    private FileChannel channel;
    private Flow.Subscription subscription;
    private long received;
    private Instant lastReport;

    FileDownload(Path file, long total, Progress progress) {
      this.file = file;
      this.total = total;
      this.progress = progress;
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      }
      this.lastReport = clock.instant();
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (total > maxPackageBytes) {
        fail(new IOException(tooLarge(total)));
        return;
      }
      try {
        channel =
            FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      } catch (IOException e) {
        fail(e);
        return;
      }
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      try {
        for (ByteBuffer item : items) {
          received += item.remaining();
          if (received > maxPackageBytes) {
            fail(new IOException(tooLarge(received)));
            return;
          }
          digest.update(item.duplicate());
          while (item.hasRemaining()) {
            channel.write(item);
          }
        }
      } catch (IOException e) {
        fail(e);
        return;
      }
      Instant now = clock.instant();
      if (Duration.between(lastReport, now).compareTo(progressInterval) >= 0) {
        lastReport = now;
        progress.bytes(received, total);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      closeChannel();
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      closeChannel();
      progress.bytes(received, received);
      result.complete(digest.digest());
    }

    private void fail(IOException e) {
      subscription.cancel();
      closeChannel();
      result.completeExceptionally(e);
    }

    private void closeChannel() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot close " + file, e);
        }
      }
    }

    private String tooLarge(long bytes) {
      return "the download of "
          + bytes
          + " bytes exceeds the limit of "
          + maxPackageBytes
          + " bytes";
    }
  }

  /**
   * Builds a {@link DownloadingPackageSyncer}.
   *
   * <p><b>Thread safety:</b> not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final Path store;
    private HttpClient httpClient;
    private SignatureVerifier signatureVerifier;
    private PackageInstaller installer = PackageInstaller.storeOnly();
    private Clock clock = Clock.systemUTC();
    private Duration progressInterval = Duration.ofSeconds(1);
    private long maxPackageBytes = 1L << 30;
    private Duration downloadTimeout = Duration.ofMinutes(10);

    private Builder(Path store) {
      this.store = store;
    }

    /**
     * Sets the HttpClient that downloads packages, e.g. one shared with other parts of the agent.
     * Default: a new client that follows redirects.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * Sets the verifier of package signatures (PK-14). Default: none, so only the SHA-256 is
     * checked.
     */
    public Builder signatureVerifier(SignatureVerifier signatureVerifier) {
      this.signatureVerifier = requireNonNull(signatureVerifier, "signatureVerifier");
      return this;
    }

    /** Sets the installer. Default: {@link PackageInstaller#storeOnly()}. */
    public Builder installer(PackageInstaller installer) {
      this.installer = requireNonNull(installer, "installer");
      return this;
    }

    /** Sets the clock used for download rates and progress pacing. Default: the UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the shortest time between two progress reports of one download (PK-15). Default: 1
     * second.
     */
    public Builder progressInterval(Duration progressInterval) {
      requireNonNull(progressInterval, "progressInterval");
      if (progressInterval.isNegative()) {
        throw new IllegalArgumentException(
            "progressInterval: " + progressInterval + " (expected: >= 0)");
      }
      this.progressInterval = progressInterval;
      return this;
    }

    /** Sets the largest package file accepted, in bytes. Default: 1 GiB. */
    public Builder maxPackageBytes(long maxPackageBytes) {
      if (maxPackageBytes < 1) {
        throw new IllegalArgumentException(
            "maxPackageBytes: " + maxPackageBytes + " (expected: >= 1)");
      }
      this.maxPackageBytes = maxPackageBytes;
      return this;
    }

    /** Sets how long one download may take. Default: 10 minutes. */
    public Builder downloadTimeout(Duration downloadTimeout) {
      requireNonNull(downloadTimeout, "downloadTimeout");
      if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
        throw new IllegalArgumentException(
            "downloadTimeout: " + downloadTimeout + " (expected: > 0)");
      }
      this.downloadTimeout = downloadTimeout;
      return this;
    }

    /**
     * Builds the syncer and reads what its store holds.
     *
     * @throws UncheckedIOException if the store cannot be created or read
     */
    public DownloadingPackageSyncer build() {
      try {
        return new DownloadingPackageSyncer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the package store " + store, e);
      }
    }
  }
}
