/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import com.google.protobuf.ByteString;
import org.jspecify.annotations.Nullable;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.server.CloseReason;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.TransportKind;
import org.opampfleet.opamp.server.spi.InboundHandler;
import org.opampfleet.opamp.server.spi.TransportConnection;

/**
 * What arrives on one WebSocket: the first message opens the agent's session, the rest go to it.
 *
 * <p>Internal; not API; may change without notice. Confined to the connection's executor.
 */
final class WebSocketInbound implements InboundHandler {
  private final DefaultOpampServer server;
  private final TransportConnection connection;
  private final ConnectionRequest request;
  private final ConnectionDecision.Accept decision;
  private @Nullable AgentSession session;

  WebSocketInbound(
      DefaultOpampServer server,
      TransportConnection connection,
      ConnectionRequest request,
      ConnectionDecision.Accept decision) {
    this.server = server;
    this.connection = connection;
    this.request = request;
    this.decision = decision;
  }

  @Override
  public void onMessage(AgentToServer message) {
    InstanceUid uid = server.instanceUidOrReject(message, connection);
    if (uid == null) {
      return;
    }
    AgentSession current = session;
    if (current == null) {
      current =
          new AgentSession(
              server,
              TransportKind.WEBSOCKET,
              server.sessionExecutor(connection),
              decision.callbacks(),
              uid,
              request,
              decision.attachment(),
              connection);
      session = current;
      server.registerWebSocket(current);
    } else if (!current.isOpen()) {
      return; // The session ended (replaced, closed); the socket is closing.
    } else if (!uid.equals(current.instanceUid()) && !uid.equals(current.previousInstanceUid())) {
      server.metrics().protocolError("instance_uid_changed");
      connection.sendBadRequest(
          Errors.badRequest(
              message.getInstanceUid(),
              "instance_uid changed from "
                  + current.instanceUid()
                  + " to "
                  + uid
                  + " on one WebSocket connection (expected: one agent instance per connection)"));
      return;
    }
    AgentSession target = current;
    if (target.executor() == connection.executor()) {
      target.process(message, connection);
    } else {
      target.executor().execute(() -> target.process(message, connection));
    }
  }

  @Override
  public void onMalformed(MalformedMessageException problem) {
    server.metrics().protocolError(problem.kind().name().toLowerCase(java.util.Locale.ROOT));
    AgentSession current = session;
    ByteString uid = current != null ? current.instanceUid().toByteString() : ByteString.EMPTY;
    switch (problem.kind()) {
      case TOO_LARGE -> {
        // The transport closed the socket with 1009 (WS-L2); onClosed() follows.
      }
      case UNSUPPORTED_HEADER -> {
        // WS-03: a header this version does not define; the peer speaks something else.
        if (current != null) {
          current.executor().execute(() -> current.end(CloseReason.PROTOCOL_ERROR));
        } else {
          connection.close(CloseReason.PROTOCOL_ERROR);
        }
      }
      default -> connection.sendBadRequest(Errors.badRequest(uid, problem.getMessage()));
    }
  }

  @Override
  public void onWritable() {
    AgentSession current = session;
    if (current != null) {
      current.executor().execute(current::flush);
    }
  }

  @Override
  public void onClosed() {
    AgentSession current = session;
    if (current != null) {
      current.executor().execute(() -> current.end(CloseReason.CONNECTION_LOST));
    }
  }
}
