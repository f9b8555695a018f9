/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;

/**
 * What went wrong for a simulated agent, counted by kind in the summary. Kinds that are a limit of
 * the machine rather than of the server under test say so ({@link #isLimit()}) and explain what to
 * change.
 */
enum ErrorKind {
  /** EMFILE: the process has as many open files as its limit allows. */
  TOO_MANY_OPEN_FILES(
      "too many open files (EMFILE): this process reached its open-file limit; lower"
          + " --max-sockets-per-worker so the agents spread over more worker processes"),
  /** EADDRNOTAVAIL: no ephemeral port is left on the source address. */
  ADDRESS_NOT_AVAILABLE(
      "cannot assign requested address (EADDRNOTAVAIL): the ephemeral ports of a source address"
          + " ran out; lower --agents-per-source-address so sockets spread over more 127.0.0.x"
          + " addresses"),
  /** Nothing listens on the target. */
  CONNECTION_REFUSED(null),
  /** The TCP connection or the WebSocket handshake did not finish in time. */
  CONNECT_TIMEOUT(null),
  /** The peer reset the connection. */
  CONNECTION_RESET(null),
  /** An established connection closed without the generator asking for it. */
  CONNECTION_LOST(null),
  /** The upgrade or poll was answered with an HTTP status other than 101/200/429/503. */
  HTTP_STATUS(null),
  /** The server answered with {@code ServerErrorResponse} BadRequest or Unknown. */
  SERVER_ERROR_RESPONSE(null),
  /** A reply could not be decoded as OpAMP. */
  MALFORMED_REPLY(null),
  /** Anything else. */
  OTHER(null);

  private final @Nullable String limitExplanation;

  ErrorKind(@Nullable String limitExplanation) {
    this.limitExplanation = limitExplanation;
  }

  /** Returns whether this is a limit of the machine, not a failure of the server under test. */
  boolean isLimit() {
    return limitExplanation != null;
  }

  /** Returns what hit the limit and what to change, for a limit kind; otherwise the name. */
  String explanation() {
    return limitExplanation != null ? limitExplanation : name().toLowerCase(Locale.ROOT);
  }

  /** Returns the kind of a failure, looking through its causes. */
  static ErrorKind classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MalformedMessageException) {
        return MALFORMED_REPLY;
      }
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("too many open files")) {
        return TOO_MANY_OPEN_FILES;
      }
      if (message.contains("cannot assign requested address")
          || message.contains("address not available")) {
        return ADDRESS_NOT_AVAILABLE;
      }
      if (t instanceof ConnectTimeoutException || message.contains("timed out")) {
        return CONNECT_TIMEOUT;
      }
      if (message.contains("connection refused")) {
        return CONNECTION_REFUSED;
      }
      if (message.contains("connection reset") || message.contains("broken pipe")) {
        return CONNECTION_RESET;
      }
      if (t instanceof ClosedChannelException) {
        return CONNECTION_LOST;
      }
      if (t instanceof BindException) {
        return ADDRESS_NOT_AVAILABLE;
      }
      if (t instanceof ConnectException) {
        return CONNECTION_REFUSED;
      }
    }
    return failure instanceof IOException ? CONNECTION_LOST : OTHER;
  }
}
