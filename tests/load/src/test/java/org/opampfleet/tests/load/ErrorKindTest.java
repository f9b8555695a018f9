/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class ErrorKindTest {

  @Test
  void recognisesTheOpenFileLimitAndSaysWhatToChange() {
    ErrorKind kind =
        ErrorKind.classify(new IOException("newSocketStream(..) failed: Too many open files"));

    assertThat(kind).isEqualTo(ErrorKind.TOO_MANY_OPEN_FILES);
    assertThat(kind.isLimit()).isTrue();
    assertThat(kind.explanation()).contains("EMFILE").contains("--max-sockets-per-worker");
  }

  @Test
  void recognisesExhaustedEphemeralPortsThroughCauses() {
    Exception wrapped =
        new RuntimeException(
            "connect failed",
            new ConnectException("connect(..) failed: Cannot assign requested address"));

    ErrorKind kind = ErrorKind.classify(wrapped);

    assertThat(kind).isEqualTo(ErrorKind.ADDRESS_NOT_AVAILABLE);
    assertThat(kind.explanation())
        .contains("EADDRNOTAVAIL")
        .contains("--agents-per-source-address");
  }

  @Test
  void tellsServerFailuresFromMachineLimits() {
    assertThat(ErrorKind.classify(new ConnectException("Connection refused")))
        .isEqualTo(ErrorKind.CONNECTION_REFUSED);
    assertThat(ErrorKind.classify(new IOException("Connection reset by peer")))
        .isEqualTo(ErrorKind.CONNECTION_RESET);
    assertThat(ErrorKind.classify(new ClosedChannelException()))
        .isEqualTo(ErrorKind.CONNECTION_LOST);
    assertThat(ErrorKind.CONNECTION_REFUSED.isLimit()).isFalse();
    assertThat(ErrorKind.classify(new IllegalStateException("boom"))).isEqualTo(ErrorKind.OTHER);
  }
}
