/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opampfleet.controlplane.web.view.DiffView;

class DiffViewTest {
  @Test
  void marksOldMinusNewPlusAndStatesSkippedRanges() {
    String old =
        IntStream.rangeClosed(1, 20).mapToObj(i -> "line" + i).collect(Collectors.joining("\n"));
    String changed = old.replace("line10", "line10 changed");
    DiffView d = DiffView.of(Map.of("f", old), Map.of("f", changed), "v1", "v2", 3);
    var rows = d.files().get(0).unified();
    assertThat(rows.get(0).kind()).isEqualTo("gap");
    assertThat(rows.get(0).text()).isEqualTo("⋯ 6 unchanged lines (1–6)");
    assertThat(rows)
        .anySatisfy(
            r -> {
              assertThat(r.kind()).isEqualTo("del");
              assertThat(r.marker()).isEqualTo("−");
              assertThat(r.oldNo()).isEqualTo(10);
            });
    assertThat(rows.get(rows.size() - 1).text()).isEqualTo("⋯ 7 unchanged lines (14–20)");
    assertThat(d.files().get(0).split())
        .anySatisfy(
            r -> {
              assertThat(r.left()).isNotNull();
              assertThat(r.right()).isNotNull();
              assertThat(r.left().text()).isEqualTo("line10");
              assertThat(r.right().text()).isEqualTo("line10 changed");
            });
  }
}
