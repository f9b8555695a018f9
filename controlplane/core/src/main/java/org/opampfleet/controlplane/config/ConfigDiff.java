/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.config;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A line diff between two sets of configuration files, file by file, old on the left (minus) and
 * new on the right (plus).
 *
 * @param files one entry per file that differs, by name
 */
public record ConfigDiff(List<FileDiff> files) {

  /**
   * The diff of one file.
   *
   * @param name the file name
   * @param added lines added
   * @param removed lines removed
   * @param unified the unified diff text ({@code ---}/{@code +++} headers and {@code @@} hunks)
   */
  public record FileDiff(String name, int added, int removed, String unified) {}

  /** Compares two file sets with {@code context} lines around each change. */
  public static ConfigDiff between(
      Map<String, String> from,
      Map<String, String> to,
      String fromLabel,
      String toLabel,
      int context) {
    List<FileDiff> out = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(from.keySet());
    names.addAll(to.keySet());
    for (String name : names) {
      List<String> oldLines = lines(from.get(name));
      List<String> newLines = lines(to.get(name));
      Patch<String> patch = DiffUtils.diff(oldLines, newLines);
      if (patch.getDeltas().isEmpty()) {
        continue;
      }
      int added = 0;
      int removed = 0;
      for (var delta : patch.getDeltas()) {
        added += delta.getTarget().size();
        removed += delta.getSource().size();
      }
      List<String> unified =
          UnifiedDiffUtils.generateUnifiedDiff(
              fromLabel + "/" + name, toLabel + "/" + name, oldLines, patch, context);
      out.add(new FileDiff(name, added, removed, String.join("\n", unified) + "\n"));
    }
    return new ConfigDiff(List.copyOf(out));
  }

  /** Returns whether nothing differs. */
  public boolean isEmpty() {
    return files.isEmpty();
  }

  private static List<String> lines(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return Arrays.asList(text.split("\n", -1));
  }
}
