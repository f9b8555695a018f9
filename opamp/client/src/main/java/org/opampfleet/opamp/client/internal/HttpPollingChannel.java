/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.opampfleet.opamp.client.Compression;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;

/**
 * Plain-HTTP OpAMP on the JDK's {@link java.net.http.HttpClient}: each message is a {@code POST}
 * with {@code Content-Type: application/x-protobuf} (HT-01), optionally gzipped (HT-03), carrying
 * the {@code OpAMP-Instance-UID} header (HT-06); the reply is read within the size limit, after
 * gunzip (HT-L3). The client never has two requests outstanding (HT-09).
 *
 * <p>Internal; not API; may change without notice.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class HttpPollingChannel implements Channel {

  static final String CONTENT_TYPE = "application/x-protobuf";

  private final JdkChannels settings;
  private final ConnectionTarget target;
  private volatile CompletableFuture<?> inFlight;

  HttpPollingChannel(JdkChannels settings, ConnectionTarget target) {
    this.settings = settings;
    this.target = target;
  }

  @Override
  public CompletableFuture<Void> open() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Optional<ServerToAgent>> send(AgentToServer message) {
    CompletableFuture<Optional<ServerToAgent>> result = new CompletableFuture<>();
    HttpRequest request;
    try {
      request = request(message);
    } catch (RuntimeException e) {
      result.completeExceptionally(
          ExchangeFailure.of(
              ExchangeFailure.Kind.UNREACHABLE,
              "cannot prepare the request to " + target + ": " + e.getClass().getName(),
              e));
      return result;
    }
    int limit = settings.limits().maxMessageBytes();
    CompletableFuture<HttpResponse<byte[]>> call =
        target
            .httpClient()
            .sendAsync(
                request,
                info ->
                    info.statusCode() / 100 == 2
                        ? new BoundedBody(limit)
                        : HttpResponse.BodySubscribers.replacing(new byte[0]));
    inFlight = call;
    // The JDK's request timeout ends when headers arrive; this deadline also covers the body.
    ScheduledFuture<?> deadline =
        settings
            .scheduler()
            .schedule(
                () -> {
                  if (result.completeExceptionally(
                      ExchangeFailure.of(
                          ExchangeFailure.Kind.TIMEOUT,
                          "POST "
                              + target
                              + " got no complete answer within "
                              + settings.requestTimeout(),
                          null))) {
                    call.cancel(true);
                  }
                },
                settings.requestTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    call.whenComplete(
        (response, error) -> {
          deadline.cancel(false);
          inFlight = null;
          if (error != null) {
            result.completeExceptionally(translate(error));
            return;
          }
          try {
            result.complete(Optional.of(decode(response)));
          } catch (ExchangeFailure failure) {
            result.completeExceptionally(failure);
          }
        });
    return result;
  }

  @Override
  public CompletableFuture<Void> close() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void abort() {
    CompletableFuture<?> call = inFlight;
    if (call != null) {
      call.cancel(true);
    }
  }

  private HttpRequest request(AgentToServer message) {
    byte[] body = message.toByteArray();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(target.endpoint())
            .timeout(settings.requestTimeout())
            .header("Content-Type", CONTENT_TYPE)
            .header("Accept-Encoding", "gzip");
    if (settings.compression() == Compression.GZIP) {
      body = gzip(body);
      builder.header("Content-Encoding", "gzip");
    }
    for (Map.Entry<String, String> header : settings.headersFor(target).entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    return builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private ServerToAgent decode(HttpResponse<byte[]> response) throws ExchangeFailure {
    int status = response.statusCode();
    if (status / 100 != 2) {
      return throwStatus(response);
    }
    String encoding =
        response
            .headers()
            .firstValue("Content-Encoding")
            .orElse("identity")
            .trim()
            .toLowerCase(Locale.ROOT);
    try {
      switch (encoding) {
        case "gzip":
          try (GZIPInputStream in =
              new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            return settings.limits().parse(ServerToAgent.parser(), in);
          }
        case "identity":
        case "":
          return settings.limits().parse(ServerToAgent.parser(), response.body());
        default:
          throw ExchangeFailure.of(
              ExchangeFailure.Kind.MALFORMED_REPLY,
              "POST "
                  + target
                  + " answered with Content-Encoding "
                  + encoding
                  + " (expected: gzip or none)",
              null);
      }
    } catch (MalformedMessageException e) {
      throw ExchangeFailure.of(
          ExchangeFailure.Kind.MALFORMED_REPLY,
          "POST " + target + " answered with a malformed body: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw ExchangeFailure.of(
          ExchangeFailure.Kind.MALFORMED_REPLY,
          "POST " + target + " answered with a body that cannot be read: " + e.getMessage(),
          e);
    }
  }

  private ServerToAgent throwStatus(HttpResponse<byte[]> response) throws ExchangeFailure {
    int status = response.statusCode();
    throw ExchangeFailure.httpStatus(
        status,
        RetryAfter.parse(
            response.headers().firstValue("Retry-After").orElse(null), settings.clock().instant()),
        "POST " + target + " was answered with HTTP " + status);
  }

  private Throwable translate(Throwable error) {
    Throwable cause = ExchangeFailure.unwrap(error);
    if (cause instanceof ExchangeFailure) {
      return cause;
    }
    if (cause instanceof MalformedMessageException malformed) {
      return ExchangeFailure.of(
          ExchangeFailure.Kind.MALFORMED_REPLY,
          "POST " + target + " answered with a malformed body: " + malformed.getMessage(),
          malformed);
    }
    if (cause instanceof HttpTimeoutException) {
      return ExchangeFailure.of(
          ExchangeFailure.Kind.TIMEOUT, "POST " + target + " timed out", cause);
    }
    return ExchangeFailure.of(
        ExchangeFailure.Kind.UNREACHABLE, "POST " + target + " failed: " + cause, cause);
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Collects a response body, failing as soon as it exceeds the limit (HT-L3). */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buffer = new byte[1024];
    private int length;

    BoundedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        int n = item.remaining();
        if ((long) length + n > limit) {
          subscription.cancel();
          body.completeExceptionally(
              new MalformedMessageException(
                  MalformedMessageException.Kind.TOO_LARGE,
                  "the response body exceeds the limit of " + limit + " bytes (HT-L3)"));
          return;
        }
        if (length + n > buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
        }
        item.get(buffer, length, n);
        length += n;
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      body.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      body.complete(Arrays.copyOf(buffer, length));
    }
  }
}
