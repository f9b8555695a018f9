/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
// OpAMP Fleet UI: live indicator, relative times, dialogs, copy buttons, the YAML editor.
(function () {
  "use strict";
  var body = document.body;
  var serverOffset = Date.parse(body.getAttribute("data-server-time") || "") - Date.now();
  if (isNaN(serverOffset)) serverOffset = 0;
  function now() { return new Date(Date.now() + serverOffset); }
  function hms(d) { return d.toISOString().substring(11, 19); }
  function ago(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 5) return "just now";
    if (s < 60) return s + "s ago";
    if (s < 3600) return Math.floor(s / 60) + "m" + (s % 60 ? " " + (s % 60) + "s" : "") + " ago";
    if (s < 86400) return Math.floor(s / 3600) + "h" + (Math.floor(s % 3600 / 60) ? " " + Math.floor(s % 3600 / 60) + "m" : "") + " ago";
    return Math.floor(s / 86400) + " d ago";
  }
  function tick() {
    document.querySelectorAll("time[data-clock]").forEach(function (t) { t.textContent = hms(now()); });
  }
  function tickRelative() {
    document.querySelectorAll("time[data-rel]").forEach(function (t) {
      var at = Date.parse(t.getAttribute("datetime"));
      if (!isNaN(at)) t.textContent = ago(now().getTime() - at);
    });
  }
  setInterval(tick, 1000);
  setInterval(tickRelative, 15000);

  // Live indicator (guide 0 and 4.7): text, not only a dot.
  var indicator = document.getElementById("live-indicator");
  var lastUpdate = null, failures = 0, failingSince = null, paused = false, queued = [];
  function show(state, text) {
    if (!indicator) return;
    indicator.setAttribute("data-state", state);
    indicator.textContent = text;
  }
  document.addEventListener("htmx:sseOpen", function () {
    failures = 0; failingSince = null;
    if (!paused) show("live", "Live");
  });
  document.addEventListener("htmx:sseError", function () {
    failures++;
    if (!failingSince) failingSince = now();
    if (failures >= 3) show("down", "Server unreachable since " + hms(failingSince) + " — data may be outdated");
    else show("reconnecting", "Reconnecting…" + (lastUpdate ? " last update " + hms(lastUpdate) : ""));
  });
  document.addEventListener("htmx:sseBeforeMessage", function (e) {
    if (!paused) return;
    e.preventDefault();
    if (queued.length < 100) queued.push(e.detail.data); else queued.overflow = true;
    show("paused", "Paused (" + queued.length + (queued.overflow ? "+" : "") + " updates)");
  });
  document.addEventListener("htmx:sseMessage", function () {
    lastUpdate = now();
    tickRelative();
  });
  if (indicator) {
    indicator.addEventListener("click", function () {
      paused = !paused;
      if (paused) { show("paused", "Paused (0 updates)"); return; }
      if (queued.overflow) { location.reload(); return; }
      var sink = document.querySelector("[sse-swap]");
      queued.forEach(function (data) { htmx.swap(sink, data, { swapStyle: "none" }); });
      queued = [];
      show("live", "Live");
    });
  }
  // Never swap what the user is working with (guide 1.5).
  document.addEventListener("htmx:oobBeforeSwap", function (e) {
    var target = e.detail.target, active = document.activeElement;
    if (target && active && active !== body && target.contains(active) && /INPUT|TEXTAREA|SELECT/.test(active.tagName)) e.preventDefault();
    var sel = window.getSelection();
    if (target && sel && !sel.isCollapsed && sel.anchorNode && target.contains(sel.anchorNode)) e.preventDefault();
  });

  // Dialogs, copy buttons, forms that apply on change.
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-open-dialog],[data-close-dialog],[data-copy-text],[data-copy-prev],[data-goto],[data-add-file]");
    if (!el) return;
    if (el.hasAttribute("data-open-dialog")) {
      var d = document.getElementById(el.getAttribute("data-open-dialog"));
      d.showModal();
      var cancel = d.querySelector("[data-close-dialog]");
      if (cancel) cancel.focus();
    } else if (el.hasAttribute("data-close-dialog")) {
      el.closest("dialog").close();
    } else if (el.hasAttribute("data-copy-text") || el.hasAttribute("data-copy-prev")) {
      var text = el.hasAttribute("data-copy-text") ? el.getAttribute("data-copy-text") : el.previousElementSibling.textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { el.textContent = "Copied"; });
    } else if (el.hasAttribute("data-goto")) {
      gotoLine(document.getElementById("file-" + el.getAttribute("data-goto")), +el.getAttribute("data-line"), +el.getAttribute("data-column"));
    } else if (el.hasAttribute("data-add-file")) {
      var files = document.getElementById("files");
      var clone = document.getElementById("file-template").content.cloneNode(true);
      files.appendChild(clone);
      var added = files.lastElementChild.querySelector("[data-editor]");
      setUpEditor(added);
      files.lastElementChild.querySelector("input").focus();
    }
  });
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (form && form.hasAttribute("data-autosubmit") && /SELECT|INPUT/.test(e.target.tagName) && e.target.type !== "text" && e.target.type !== "search") form.requestSubmit();
    if (e.target.hasAttribute("data-enables")) document.getElementById(e.target.getAttribute("data-enables")).disabled = !e.target.checked;
  });
  document.querySelectorAll("[data-enables]").forEach(function (box) {
    document.getElementById(box.getAttribute("data-enables")).disabled = !box.checked;
  });
  document.querySelectorAll("[data-confirm-name]").forEach(function (input) {
    var button = input.form.querySelector("[data-needs-name]");
    function check() { button.disabled = input.value.trim() !== input.getAttribute("data-confirm-name"); }
    input.addEventListener("input", check);
    check();
  });

  // Unsaved edits ask before leaving (guide 4.2).
  var dirty = false;
  document.querySelectorAll("form[data-dirty-guard]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });

  // The YAML editor (guide 4.2): gutter, Tab and Shift+Tab, Enter keeps indentation, Esc then Tab leaves.
  function gutterOf(area) { return area.parentNode.querySelector(".gutter"); }
  function drawGutter(area) {
    var gutter = gutterOf(area);
    if (!gutter) return;
    var lines = area.value.split("\n").length, marks = {};
    var fieldset = area.closest("fieldset"), list = fieldset && fieldset.querySelector(".problems");
    if (list) list.querySelectorAll("li.error[data-line]").forEach(function (li) { marks[li.getAttribute("data-line")] = true; });
    var out = [];
    for (var i = 1; i <= lines; i++) out.push(marks[i] ? "×" + i : String(i));
    gutter.textContent = out.join("\n");
    gutter.scrollTop = area.scrollTop;
  }
  function insert(area, text) {
    if (!document.execCommand("insertText", false, text)) area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
  }
  function gotoLine(area, line, column) {
    if (!area) return;
    var lines = area.value.split("\n"), pos = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, (column || 1) - 1);
    area.focus();
    area.setSelectionRange(pos, pos);
    area.scrollTop = Math.max(0, (line - 5) * 18);
    drawGutter(area);
  }
  function setUpEditor(area) {
    var releaseTab = false;
    area.addEventListener("input", function () { drawGutter(area); });
    area.addEventListener("scroll", function () { gutterOf(area).scrollTop = area.scrollTop; });
    area.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") {
        e.preventDefault();
        var review = document.querySelector("[data-testid=review-config]");
        if (review) review.click();
        return;
      }
      if (e.key === "Escape") { releaseTab = true; return; }
      if (e.key === "Tab") {
        if (releaseTab) { releaseTab = false; return; }
        e.preventDefault();
        var start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
        if (e.shiftKey) {
          if (area.value.substr(start, 2) === "  ") {
            area.setSelectionRange(start, start + 2);
            insert(area, "");
          }
        } else {
          insert(area, "  ");
        }
        return;
      }
      releaseTab = false;
      if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
        var lineStart = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
        var indent = /^ */.exec(area.value.substring(lineStart, area.selectionStart))[0];
        e.preventDefault();
        insert(area, "\n" + indent);
      }
    });
    drawGutter(area);
  }
  document.querySelectorAll("textarea[data-editor]").forEach(setUpEditor);
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("textarea[data-editor]").forEach(drawGutter);
  });
})();
