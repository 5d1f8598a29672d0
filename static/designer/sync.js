// The designer's form <-> text sync, safe at any typing speed. The markup says what syncs (hx-post on the stable
// #panel-designer for changes, on buttons, on the query text); this says when: one request at a time, from the
// stable form, in the order the user acted, each reading the form as it is when it leaves. A response is swapped
// in only if nothing was edited since its request left; otherwise the same request goes again. So no edit is lost
// to a swap, and the form, the text and the saved query agree. The server stays the one that turns form into text.
(function () {
  "use strict";
  const SYNCED = "#block, #query-error";  // what the designer's own requests replace (both outerHTML)
  const SWAP = "outerHTML settle:0ms";   // settle at once: a swapped-in control is live before the next event
  let revision = 0;                       // bumped by every edit of the form or the text
  let syncedText = null;                  // the query text the page last heard back about
  const queue = [];
  let inflight = null;
  let issuing = false;
  let whenIdle = [];
  let synced = false;                     // Save is being resubmitted after waiting for the sync

  const form = function () { return document.getElementById("designer-form"); };
  const textBox = function () { return document.getElementById("query-text"); };

  function busy() { return inflight !== null || queue.length > 0; }
  function textUnsynced() { const box = textBox(); return box !== null && box.value !== syncedText; }

  function edited(event) {
    if (event.target.closest && event.target.closest("#panel-designer, #panel-query")) {
      revision += 1;
      estimateState();
    }
  }
  document.addEventListener("input", edited, true);
  document.addEventListener("change", edited, true);

  function enqueue(item) {
    const last = queue[queue.length - 1];
    // a plain sync reads the form when it leaves: one waiting is enough
    if (!(last && last.action === item.action && (item.action === "update" || item.action === "text"))) queue.push(item);
    pump();
  }

  function pump() {
    const editor = document.getElementById("editor");
    if (inflight === null && queue.length) {
      const item = queue.shift();
      inflight = { item: item, revision: revision };
      issuing = true;
      let sent;
      try {
        sent = htmx.ajax("POST", item.path, { source: form(), target: item.target, swap: SWAP, values: { action: item.action } });
      } finally { issuing = false; }
      const done = function () { inflight = null; pump(); };
      sent.then(done, done);
    }
    if (editor) { if (busy()) editor.setAttribute("aria-busy", "true"); else editor.removeAttribute("aria-busy"); }
    estimateState();
    if (!busy()) { const waiting = whenIdle; whenIdle = []; waiting.forEach(function (run) { run(); }); }
  }

  function actionOf(elt) {
    if (elt.matches("button[name=action]")) return elt.value;
    try { return JSON.parse(elt.getAttribute("hx-vals") || "{}").action || "update"; } catch (e) { return "update"; }
  }

  // Every request that replaces the form or the text joins the queue instead of leaving at once.
  document.addEventListener("htmx:confirm", function (event) {
    const detail = event.detail;
    if (issuing || !detail.target || !detail.target.matches || !detail.target.matches(SYNCED)) return;
    event.preventDefault();
    enqueue({ action: actionOf(detail.elt), target: "#" + detail.target.id, path: detail.path });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (inflight === null || event.detail.requestConfig.elt !== form() || !event.detail.shouldSwap) return;
    if (inflight.revision !== revision) {  // edited meanwhile: this answer would overwrite the edit
      event.detail.shouldSwap = false;
      const head = queue[0];
      if (!(head && head.action === inflight.item.action && head.target === inflight.item.target)) queue.unshift(inflight.item);
    }
  });

  // Focusing a field or selecting its text is no edit, so an answer may be swapped in under the caret. htmx then
  // focuses the new field of the same id but restores the selection only when it does not start at 0 (select-all
  // then typing "3" over "2" gave "32"): the caret and selection are put back here.
  let caret = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const active = document.activeElement;
    caret = null;
    if (!event.detail.shouldSwap || !active || !active.id || typeof active.selectionStart !== "number") return;
    if (!event.detail.target.contains(active)) return;
    caret = { id: active.id, start: active.selectionStart, end: active.selectionEnd, direction: active.selectionDirection };
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.requestConfig && event.detail.requestConfig.elt === form() && textBox()) syncedText = textBox().value;
    const kept = caret;
    caret = null;
    const field = kept && document.getElementById(kept.id);
    if (field && typeof field.setSelectionRange === "function") {
      if (document.activeElement !== field) field.focus({ preventScroll: true });
      try { field.setSelectionRange(kept.start, kept.end, kept.direction); } catch (e) { /* a type without a caret */ }
    }
    estimateState();
  });

  // Save and Go live wait for the sync, then refuse while the typed text does not parse: the text stays, with
  // its undo history, and the refusal says where the error is.
  document.addEventListener("submit", function (event) {
    const submitter = event.submitter;
    if (event.target !== form() || !submitter || (submitter.value !== "save" && submitter.value !== "golive")) return;
    if (!synced && (busy() || textUnsynced())) {
      event.preventDefault();
      if (textUnsynced()) enqueue({ action: "text", target: "#query-error", path: form().getAttribute("action") });
      // once: if the sync failed (the server said why), the post goes and the server decides
      whenIdle.push(function () { synced = true; try { form().requestSubmit(submitter); } finally { synced = false; } });
      return;
    }
    const error = document.querySelector("#query-error [data-refusal]");
    if (error) {
      event.preventDefault();
      refuse(error);
    }
  });

  function refuse(error) {
    const failure = document.getElementById("failure");
    failure.textContent = error.dataset.refusal;
    failure.hidden = false;
    const tab = document.getElementById("tab-query");
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
    focusError(error);
  }

  function focusError(error) {
    const box = textBox();
    const line = parseInt(error.dataset.line, 10), column = parseInt(error.dataset.column, 10);
    box.focus();
    if (line > 0 && column > 0) {
      const lines = box.value.split("\n");
      let at = 0;
      for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
      at = Math.min(at + column - 1, box.value.length);
      box.setSelectionRange(at, at);
    }
  }

  // The estimate never shows a stale number without saying so.
  function estimateState() {
    const state = document.getElementById("estimate-state");
    const estimate = document.getElementById("estimate");
    if (!state || !estimate) return;
    const current = document.querySelector("#block input[name=current_query]");
    let text = "";
    if (estimate.dataset.query !== undefined) {
      const invalid = document.querySelector("#query-error .error") || (current && current.value === "");
      if (invalid) text = "for the last valid query";
      else if (busy() || textUnsynced() || estimate.dataset.query !== current.value
               || document.querySelector("#estimate-area.htmx-request")) text = "updating…";
    }
    state.textContent = text;
    state.hidden = !text;
  }
  document.addEventListener("htmx:beforeRequest", estimateState);
  document.addEventListener("htmx:afterSettle", estimateState);

  // Each estimate names this page (editor) and the edit it answers (seq); the exact follow-up of a sampled
  // figure answers the same edit. The server cancels the statements of an older edit of the same page, and
  // hx-sync aborts its request here, so a superseded estimate neither runs on nor shows.
  const editor = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  let estimateSeq = 0;
  document.addEventListener("htmx:configRequest", function (event) {
    const elt = event.detail.elt;
    if (!elt.closest || !elt.closest("#estimate-area")) return;
    if (elt.id === "estimate-area") estimateSeq += 1;
    event.detail.parameters.editor = editor;
    event.detail.parameters.seq = String(estimateSeq);
  });

  // What the unsaved-changes guard asks about.
  window.designerSync = { busy: busy, textUnsynced: textUnsynced };

  function init() {
    if (textBox()) syncedText = textBox().value;
    const error = document.querySelector("#query-error [data-refusal]");
    const failure = document.getElementById("failure");
    if (error && failure && !failure.hidden) focusError(error);  // a refused plain post: back at the error
    estimateState();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
