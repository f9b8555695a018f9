/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.opamp.server.internal;

import com.google.protobuf.ByteString;
import org.opampfleet.opamp.protocol.ServerErrorResponse;
import org.opampfleet.opamp.protocol.ServerErrorResponseType;
import org.opampfleet.opamp.protocol.ServerToAgent;

/**
 * Builds the {@code ServerToAgent} messages that answer bad input.
 *
 * <p>Internal; not API; may change without notice. Stateless.
 */
final class Errors {
  private Errors() {}

  /**
   * Returns a BadRequest answer (ER-01): only {@code instance_uid} and {@code error_response} are
   * set (ER-03).
   */
  static ServerToAgent badRequest(ByteString instanceUid, String message) {
    return ServerToAgent.newBuilder()
        .setInstanceUid(instanceUid)
        .setErrorResponse(
            ServerErrorResponse.newBuilder()
                .setType(ServerErrorResponseType.ServerErrorResponseType_BadRequest)
                .setErrorMessage(message))
        .build();
  }
}
