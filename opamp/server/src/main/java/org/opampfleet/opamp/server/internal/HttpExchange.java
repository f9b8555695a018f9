/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import com.google.protobuf.ByteString;
import org.opampfleet.opamp.protocol.AgentToServer;
import org.opampfleet.opamp.protocol.wire.InstanceUid;
import org.opampfleet.opamp.protocol.wire.MalformedMessageException;
import org.opampfleet.opamp.server.ConnectionDecision;
import org.opampfleet.opamp.server.ConnectionRequest;
import org.opampfleet.opamp.server.spi.InboundHandler;
import org.opampfleet.opamp.server.spi.TransportConnection;

/**
 * One plain-HTTP poll: routes its message to the agent's session, which outlives the request, and
 * answers on the request.
 *
 * <p>Internal; not API; may change without notice. Confined to the request's executor.
 */
final class HttpExchange implements InboundHandler {
  private final DefaultOpampServer server;
  private final TransportConnection exchange;
  private final ConnectionRequest request;
  private final ConnectionDecision.Accept decision;

  HttpExchange(
      DefaultOpampServer server,
      TransportConnection exchange,
      ConnectionRequest request,
      ConnectionDecision.Accept decision) {
    this.server = server;
    this.exchange = exchange;
    this.request = request;
    this.decision = decision;
  }

  @Override
  public void onMessage(AgentToServer message) {
    InstanceUid uid = server.instanceUidOrReject(message, exchange);
    if (uid == null) {
      return;
    }
    AgentSession session = server.httpSession(uid, exchange, request, decision);
    session.updateRequest(request, decision.attachment());
    session.executor().execute(() -> session.process(message, exchange));
  }

  @Override
  public void onMalformed(MalformedMessageException problem) {
    server.metrics().protocolError(problem.kind().name().toLowerCase(java.util.Locale.ROOT));
    if (problem.kind() != MalformedMessageException.Kind.TOO_LARGE) {
      // TOO_LARGE was answered with 413 by the transport (HT-L2).
      exchange.sendBadRequest(Errors.badRequest(ByteString.EMPTY, problem.getMessage()));
    }
  }

  @Override
  public void onClosed() {
    // The agent's session outlives its requests; idle expiry or agent_disconnect ends it.
  }
}
