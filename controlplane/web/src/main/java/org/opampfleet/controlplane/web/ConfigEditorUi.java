/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.controlplane.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.opampfleet.controlplane.config.ConfigConflictException;
import org.opampfleet.controlplane.config.ConfigProblem;
import org.opampfleet.controlplane.config.ConfigService;
import org.opampfleet.controlplane.config.ConfigValidator;
import org.opampfleet.controlplane.config.ConfigVersion;
import org.opampfleet.controlplane.config.InvalidConfigException;
import org.opampfleet.controlplane.config.Selector;
import org.opampfleet.controlplane.config.SelectorParseException;
import org.opampfleet.controlplane.web.view.DiffView;
import org.opampfleet.controlplane.web.view.Pages;

/**
 * The configuration editor (UI guide 2.4.3): {@code /configs/new} and {@code /configs/{name}/edit},
 * validation as you type, the review step with the diff and the reach, and the conflict view when
 * someone saved meanwhile. The text people typed is never lost: every failure renders the form
 * again with their text.
 *
 * <p><b>Thread safety:</b> thread-safe.
 */
final class ConfigEditorUi {
  private static final String STARTER =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
      exporters:
        debug: {}
      service:
        pipelines:
          traces:
            receivers: [otlp]
            exporters: [debug]
      """;

  private final UiKit kit;

  ConfigEditorUi(UiKit kit) {
    this.kit = kit;
  }

  /** The fields of the edit form. */
  private record Form(
      String name,
      boolean isNew,
      int baseVersion,
      String selector,
      int priority,
      String note,
      List<String> fileNames,
      List<String> fileBodies) {}

  void newPage(Context ctx) {
    Form form = new Form("", true, 0, "", 0, "", List.of("collector.yaml"), List.of(STARTER));
    show(ctx, 200, form, "edit", List.of(), null, null);
  }

  void editPage(Context ctx) {
    ConfigService.Entry entry = kit.commands().config(ctx.pathParam("name"));
    ConfigVersion latest = entry.latest();
    ConfigVersion source = latest;
    String note = "";
    String restore = ctx.queryParam("restore");
    if (restore != null && restore.matches("\\d{1,9}")) {
      int n = Integer.parseInt(restore);
      source =
          kit.services()
              .configs()
              .version(latest.name(), n)
              .orElseThrow(
                  () ->
                      ApiException.notFound(
                          "Unknown version",
                          "Configuration \"" + latest.name() + "\" has no version " + n + "."));
      note = "restore v" + n;
    }
    Form form =
        new Form(
            latest.name(),
            false,
            latest.version(),
            latest.selector(),
            latest.priority(),
            note,
            new ArrayList<>(source.files().keySet()),
            new ArrayList<>(source.files().values()));
    show(ctx, 200, form, "edit", List.of(), null, null);
  }

  /** Handles the editor's buttons: review, back to editing, save. */
  void submit(Context ctx) {
    Form form = read(ctx);
    String action = Optional.ofNullable(ctx.formParam("action")).orElse("review");
    List<ConfigProblem> problems = new ArrayList<>();
    if (form.isNew()) {
      problems.addAll(ConfigValidator.checkName(form.name()));
      if (problems.isEmpty() && kit.services().configs().get(form.name()).isPresent()) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR,
                "",
                0,
                0,
                "a configuration named \"" + form.name() + "\" exists already; edit it instead"));
      }
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < form.fileNames().size(); i++) {
      String fileName = form.fileNames().get(i).trim();
      String body = form.fileBodies().get(i);
      if (fileName.isEmpty()) {
        if (!body.isBlank()) {
          problems.add(
              new ConfigProblem(
                  ConfigProblem.Severity.ERROR, "", 0, 0, "file " + (i + 1) + " needs a name"));
        }
        continue;
      }
      if (files.put(fileName, body) != null) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR,
                fileName,
                0,
                0,
                "two files are named \"" + fileName + "\""));
      }
    }
    try {
      Selector.parse(form.selector());
    } catch (SelectorParseException e) {
      problems.add(
          new ConfigProblem(
              ConfigProblem.Severity.ERROR, "", 0, e.column(), "selector: " + e.getMessage()));
    }
    problems.addAll(ConfigValidator.check(files));
    if (ConfigValidator.hasErrors(problems) || action.equals("back")) {
      show(
          ctx, ConfigValidator.hasErrors(problems) ? 400 : 200, form, "edit", problems, null, null);
      return;
    }
    if (action.equals("save")) {
      Preview reach = reach(form);
      if (reach.count() > UiKit.MANY_AGENTS && !"1".equals(ctx.formParam("ack"))) {
        show(
            ctx,
            400,
            form,
            "review",
            problems,
            "This change reaches " + reach.count() + " agents: tick \"I understand\" to save it.",
            null);
        return;
      }
      try {
        ConfigService.SaveResult saved =
            kit.commands()
                .saveConfig(
                    form.name(),
                    form.selector(),
                    form.priority(),
                    files,
                    ApiRoutes.who(ctx),
                    form.note(),
                    form.baseVersion());
        ctx.redirect(
            "/configs/" + form.name() + "?saved=" + saved.version().version(),
            HttpStatus.SEE_OTHER);
      } catch (InvalidConfigException e) {
        show(ctx, 400, form, "edit", e.problems(), null, null);
      } catch (ConfigConflictException e) {
        show(ctx, 409, form, "conflict", problems, e.getMessage(), files);
      }
      return;
    }
    show(ctx, 200, form, "review", problems, null, null);
  }

  /** Validates one file as the person types: the problems fragment under its editor. */
  void validate(Context ctx) {
    String fileName = Optional.ofNullable(ctx.formParam("fileName")).orElse("").trim();
    String body = Optional.ofNullable(ctx.formParam("fileBody")).orElse("").replace("\r\n", "\n");
    String index = Optional.ofNullable(ctx.formParam("index")).orElse("0");
    if (!index.matches("\\d{1,3}")) {
      index = "0";
    }
    List<ConfigProblem> problems =
        fileName.isEmpty() ? List.of() : ConfigValidator.check(Map.of(fileName, body));
    ctx.html(
        kit.templates()
            .render("parts/problems.jte", "index", Integer.parseInt(index), "problems", problems));
  }

  private record Preview(int count, int connected) {}

  private Preview reach(Form form) {
    try {
      var preview = kit.services().fleetView().preview(Selector.parse(form.selector()), 0);
      return new Preview(preview.matching(), preview.connected());
    } catch (SelectorParseException e) {
      return new Preview(0, 0);
    }
  }

  private void show(
      Context ctx,
      int status,
      Form form,
      String mode,
      List<ConfigProblem> problems,
      @Nullable String error,
      @Nullable Map<String, String> yours) {
    List<Pages.EditFile> files = new ArrayList<>();
    Map<String, String> proposed = new LinkedHashMap<>();
    for (int i = 0; i < form.fileNames().size(); i++) {
      String fileName = form.fileNames().get(i);
      List<ConfigProblem> mine = new ArrayList<>();
      for (ConfigProblem p : problems) {
        if (!fileName.isEmpty() && p.file().equals(fileName)) {
          mine.add(p);
        }
      }
      files.add(new Pages.EditFile(i, fileName, form.fileBodies().get(i), mine));
      if (!fileName.isBlank()) {
        proposed.put(fileName.trim(), form.fileBodies().get(i));
      }
    }
    List<ConfigProblem> errors = new ArrayList<>();
    List<ConfigProblem> warnings = new ArrayList<>();
    for (ConfigProblem p : problems) {
      (p.severity() == ConfigProblem.Severity.ERROR ? errors : warnings).add(p);
    }
    Optional<ConfigService.Entry> existing = kit.services().configs().get(form.name());
    Map<String, String> base = Map.of();
    if (!form.isNew() && form.baseVersion() > 0) {
      base =
          kit.services()
              .configs()
              .version(form.name(), form.baseVersion())
              .map(ConfigVersion::files)
              .orElse(Map.of());
    }
    DiffView review = null;
    Preview reach = new Preview(0, 0);
    if (mode.equals("review")) {
      review =
          DiffView.of(
              base,
              proposed,
              form.isNew() ? "(new)" : "v" + form.baseVersion(),
              "v" + (form.baseVersion() + 1),
              3);
      reach = reach(form);
    }
    ConfigVersion theirs = null;
    DiffView theirsDiff = null;
    DiffView yoursDiff = null;
    int baseVersion = form.baseVersion();
    if (mode.equals("conflict") && existing.isPresent() && yours != null) {
      theirs = existing.get().latest();
      theirsDiff =
          DiffView.of(
              base, theirs.files(), "v" + form.baseVersion(), "theirs: " + theirs.label(), 3);
      yoursDiff = DiffView.of(base, yours, "v" + form.baseVersion(), "yours", 3);
      // Saving again now puts the person's text on top of the newer version, knowingly.
      baseVersion = theirs.version();
    }
    Pages.Edit m =
        new Pages.Edit(
            mode,
            form.name(),
            form.isNew(),
            baseVersion,
            form.selector(),
            form.priority(),
            form.note(),
            files,
            errors,
            warnings,
            error,
            review,
            reach.count(),
            reach.connected(),
            UiKit.MANY_AGENTS,
            theirs,
            theirsDiff,
            yoursDiff);
    String title = form.isNew() ? "New configuration" : form.name() + " · Edit";
    kit.page(
        ctx,
        status,
        "pages/configEdit.jte",
        "frame",
        kit.frame(ctx, title, "configs", null),
        "m",
        m);
  }

  private static Form read(Context ctx) {
    boolean isNew = "1".equals(ctx.formParam("isNew"));
    String name = Optional.ofNullable(ctx.formParam("name")).orElse("").trim();
    int base = parseInt(ctx.formParam("baseVersion"), 0);
    int priority = parseInt(ctx.formParam("priority"), 0);
    List<String> names = new ArrayList<>(ctx.formParams("fileName"));
    List<String> bodies = new ArrayList<>(ctx.formParams("fileBody"));
    while (bodies.size() < names.size()) {
      bodies.add("");
    }
    while (names.size() < bodies.size()) {
      names.add("");
    }
    List<String> normalised = new ArrayList<>();
    bodies.forEach(b -> normalised.add(b.replace("\r\n", "\n")));
    return new Form(
        name,
        isNew,
        base,
        Optional.ofNullable(ctx.formParam("selector")).orElse("").trim(),
        priority,
        Optional.ofNullable(ctx.formParam("note")).orElse("").trim(),
        names,
        normalised);
  }

  private static int parseInt(@Nullable String text, int fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
