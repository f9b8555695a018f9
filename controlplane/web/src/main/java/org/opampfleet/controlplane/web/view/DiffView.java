/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opampfleet.controlplane.config.ConfigDiff;

/**
 * Internal; not API; may change without notice. A diff laid out for HTML (UI guide 4.3): old on the
 * left and marked {@code −}, new on the right and marked {@code +}, skipped regions as explicit "n
 * unchanged lines" rows, in split or unified form.
 *
 * @param fromLabel what the left side is, e.g. {@code v11} or {@code Desired v12}
 * @param toLabel what the right side is
 * @param files one section per file that differs
 */
public record DiffView(String fromLabel, String toLabel, List<FileSection> files) {
  private static final Pattern HUNK =
      Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@");

  /**
   * One file.
   *
   * @param name the file name
   * @param added lines added
   * @param removed lines removed
   * @param unified rows for the unified layout
   * @param split rows for the side-by-side layout
   */
  public record FileSection(
      String name, int added, int removed, List<Row> unified, List<SplitRow> split) {}

  /**
   * A unified row: a line, or a gap of unchanged lines.
   *
   * @param kind {@code ctx}, {@code del}, {@code add} or {@code gap}
   * @param oldNo the old line number; 0 if none
   * @param newNo the new line number; 0 if none
   * @param text the line, or for a gap the sentence describing it
   */
  public record Row(String kind, int oldNo, int newNo, String text) {
    /** Returns the marker column: {@code −}, {@code +} or a space. */
    public String marker() {
      return switch (kind) {
        case "del" -> "−";
        case "add" -> "+";
        default -> " ";
      };
    }
  }

  /**
   * A side-by-side row.
   *
   * @param gap the sentence of a gap row; empty for line rows
   * @param left the old side; null when empty
   * @param right the new side; null when empty
   */
  public record SplitRow(
      String gap,
      @org.jspecify.annotations.Nullable Row left,
      @org.jspecify.annotations.Nullable Row right) {}

  /** Returns whether nothing differs. */
  public boolean isEmpty() {
    return files.isEmpty();
  }

  /** Compares two file sets with {@code context} lines around each change. */
  public static DiffView of(
      Map<String, String> from,
      Map<String, String> to,
      String fromLabel,
      String toLabel,
      int context) {
    ConfigDiff diff = ConfigDiff.between(from, to, fromLabel, toLabel, context);
    List<FileSection> files = new ArrayList<>();
    for (ConfigDiff.FileDiff f : diff.files()) {
      int oldTotal = lineCount(from.get(f.name()));
      int newTotal = lineCount(to.get(f.name()));
      List<Row> rows = parse(f.unified(), oldTotal, newTotal);
      files.add(new FileSection(f.name(), f.added(), f.removed(), rows, split(rows)));
    }
    return new DiffView(fromLabel, toLabel, List.copyOf(files));
  }

  private static int lineCount(String text) {
    return text == null || text.isEmpty() ? 0 : text.split("\n", -1).length;
  }

  static List<Row> parse(String unified, int oldTotal, int newTotal) {
    List<Row> rows = new ArrayList<>();
    int oldNo = 0;
    int newNo = 0;
    int lastOld = 0;
    int lastNew = 0;
    for (String line : unified.split("\n", -1)) {
      if (line.startsWith("---") || line.startsWith("+++")) {
        continue;
      }
      Matcher m = HUNK.matcher(line);
      if (m.find()) {
        oldNo = Integer.parseInt(m.group(1));
        newNo = Integer.parseInt(m.group(3));
        int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        if (oldCount == 0) {
          oldNo++; // "-n,0" names the line before the insertion
        }
        int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        if (newCount == 0) {
          newNo++;
        }
        addGap(rows, lastOld + 1, oldNo - 1, lastNew + 1, newNo - 1);
        continue;
      }
      if (line.isEmpty() && oldNo == 0 && newNo == 0) {
        continue;
      }
      if (line.startsWith("-")) {
        rows.add(new Row("del", oldNo, 0, line.substring(1)));
        lastOld = oldNo++;
      } else if (line.startsWith("+")) {
        rows.add(new Row("add", 0, newNo, line.substring(1)));
        lastNew = newNo++;
      } else if (line.startsWith(" ")) {
        rows.add(new Row("ctx", oldNo, newNo, line.substring(1)));
        lastOld = oldNo++;
        lastNew = newNo++;
      }
    }
    addGap(rows, lastOld + 1, oldTotal, lastNew + 1, newTotal);
    return List.copyOf(rows);
  }

  private static void addGap(List<Row> rows, int oldFrom, int oldTo, int newFrom, int newTo) {
    int n = oldTo - oldFrom + 1;
    if (n <= 0 || newTo - newFrom + 1 != n) {
      return;
    }
    String range =
        oldFrom == newFrom
            ? oldFrom + "–" + oldTo
            : oldFrom + "–" + oldTo + " | " + newFrom + "–" + newTo;
    rows.add(
        new Row(
            "gap",
            oldFrom,
            newFrom,
            "⋯ " + n + " unchanged line" + (n == 1 ? "" : "s") + " (" + range + ")"));
  }

  static List<SplitRow> split(List<Row> rows) {
    List<SplitRow> out = new ArrayList<>();
    List<Row> dels = new ArrayList<>();
    List<Row> adds = new ArrayList<>();
    for (Row row : rows) {
      if (row.kind().equals("del")) {
        dels.add(row);
        continue;
      }
      if (row.kind().equals("add")) {
        adds.add(row);
        continue;
      }
      flush(out, dels, adds);
      if (row.kind().equals("gap")) {
        out.add(new SplitRow(row.text(), null, null));
      } else {
        out.add(new SplitRow("", row, row));
      }
    }
    flush(out, dels, adds);
    return List.copyOf(out);
  }

  private static void flush(List<SplitRow> out, List<Row> dels, List<Row> adds) {
    int n = Math.max(dels.size(), adds.size());
    for (int i = 0; i < n; i++) {
      out.add(
          new SplitRow(
              "", i < dels.size() ? dels.get(i) : null, i < adds.size() ? adds.get(i) : null));
    }
    dels.clear();
    adds.clear();
  }
}
