/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.web.view.Secrets;

class SecretsTest {
  @Test
  void masksValuesOfSecretKeysAndKeepsLines() {
    String yaml =
        "exporters:\n  otlp:\n    headers:\n      api-key: abc123\n      Authorization: \"Bearer xyz\"\n"
            + "    endpoint: https://b:4318\n  password: hunter2\n";
    String masked = Secrets.maskYaml(yaml);
    assertThat(masked).doesNotContain("abc123").doesNotContain("xyz").doesNotContain("hunter2");
    assertThat(masked).contains("endpoint: https://b:4318").contains("api-key: " + Secrets.MASK);
    assertThat(masked.split("\n", -1)).hasSameSizeAs(yaml.split("\n", -1));
  }

  @Test
  void masksBlockScalarsUnderSecretKeys() {
    String yaml = "tls:\n  private_key: |\n    -----BEGIN KEY-----\n    AAAA\n  insecure: false\n";
    String masked = Secrets.maskYaml(yaml);
    assertThat(masked).doesNotContain("AAAA").doesNotContain("BEGIN").contains("insecure: false");
  }

  @Test
  void leavesOrdinaryKeysAlone() {
    assertThat(Secrets.maskYaml("tokens_per_second: 5\nname: x"))
        .isNotEqualTo("tokens_per_second: 5\nname: x");
    assertThat(Secrets.maskYaml("batch:\n  timeout: 5s")).isEqualTo("batch:\n  timeout: 5s");
  }
}
