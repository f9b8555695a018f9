/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.opampfleet.opamp.client.Transport;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.ServerToAgent;

/**
 * A {@link Channel.Factory} whose channels talk to the test instead of a server. Opening succeeds
 * unless the test queued a failure; sends are answered by {@link #responder}: by default a
 * WebSocket send is "written" at once and a plain-HTTP send is answered with {@link #defaultReply}.
 * Everything is recorded for assertions.
 */
final class FakeChannels implements Channel.Factory {

  final List<FakeChannel> created = new ArrayList<>();

  /** When each channel was created, on the test's clock. */
  final List<java.time.Duration> createdAt = new ArrayList<>();

  java.util.function.Supplier<java.time.Duration> clock = () -> java.time.Duration.ZERO;
  final Deque<Throwable> openFailures = new ArrayDeque<>();

  /** Every message sent on any channel, in order. */
  final List<AgentToServer> sent = new ArrayList<>();

  ServerToAgent defaultReply = ServerToAgent.newBuilder().setCapabilities(0x7F).build();

  /** What the fake WebSocket server answers to every message; null for silence. */
  ServerToAgent webSocketReply = ServerToAgent.getDefaultInstance();

  Function<AgentToServer, CompletableFuture<Optional<ServerToAgent>>> responder;

  @Override
  public Channel create(ConnectionTarget target, Channel.Listener listener) {
    FakeChannel channel = new FakeChannel(target, listener);
    created.add(channel);
    createdAt.add(clock.get());
    return channel;
  }

  FakeChannel last() {
    return created.get(created.size() - 1);
  }

  AgentToServer lastSent() {
    return sent.get(sent.size() - 1);
  }

  final class FakeChannel implements Channel {
    final ConnectionTarget target;
    final Channel.Listener listener;
    final List<AgentToServer> messages = new ArrayList<>();
    boolean opened;
    boolean closed;
    boolean aborted;

    FakeChannel(ConnectionTarget target, Channel.Listener listener) {
      this.target = target;
      this.listener = listener;
    }

    @Override
    public CompletableFuture<Void> open() {
      Throwable failure = openFailures.poll();
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      opened = true;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Optional<ServerToAgent>> send(AgentToServer message) {
      messages.add(message);
      sent.add(message);
      if (responder != null) {
        return responder.apply(message);
      }
      if (target.transport() == Transport.WEBSOCKET) {
        if (webSocketReply != null && !message.hasAgentDisconnect()) {
          // A server answers every message (ST-04); the answer arrives after the write completes.
          ServerToAgent reply = webSocketReply;
          return CompletableFuture.completedFuture(Optional.<ServerToAgent>empty())
              .whenComplete((written, error) -> listener.onMessage(reply));
        }
        return CompletableFuture.completedFuture(Optional.empty());
      }
      return CompletableFuture.completedFuture(Optional.of(defaultReply));
    }

    @Override
    public CompletableFuture<Void> close() {
      closed = true;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void abort() {
      aborted = true;
    }

    /** Delivers a server message, as a WebSocket would. */
    void push(ServerToAgent message) {
      listener.onMessage(message);
    }

    /** Ends the channel from the server's side. */
    void lose(Throwable cause) {
      listener.onClosed(cause);
    }
  }
}
