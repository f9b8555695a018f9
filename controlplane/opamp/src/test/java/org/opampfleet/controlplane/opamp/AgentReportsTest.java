/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.opamp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.opampfleet.opamp.protocol.AgentConfigFile;
import org.opampfleet.opamp.protocol.AgentConfigMap;

class AgentReportsTest {
  @Test
  void showsTextFilesAsTextAndOtherBytesAsAnAbbreviatedHexDump() {
    byte[] binary = new byte[100];
    binary[0] = (byte) 0xff; // never valid in UTF-8
    binary[1] = 0x01;
    AgentConfigMap map =
        AgentConfigMap.newBuilder()
            .putConfigMap("collector.yaml", file(ByteString.copyFromUtf8("name: ümlaut ✓\n")))
            .putConfigMap("blob.bin", file(ByteString.copyFrom(binary)))
            .build();

    var files = AgentReports.files(map);

    assertThat(files.get("collector.yaml")).isEqualTo("name: ümlaut ✓\n");
    assertThat(files.get("blob.bin"))
        .as("the first 64 bytes only")
        .isEqualTo("(binary, 100 bytes) ff01" + "00".repeat(62));
  }

  private static AgentConfigFile file(ByteString body) {
    return AgentConfigFile.newBuilder().setBody(body).setContentType("text/yaml").build();
  }
}
