// The unsaved-changes guard: leaving the designer (a link, a reload, closing the tab) while it holds work that is
// not saved asks first. What is unsaved the server says (#block[data-unsaved]); edits not yet heard back, typed
// text that does not parse and a changed name or description count too. Saving turns the guard off.
(function () {
  "use strict";
  const QUESTION = "Leave this segment? Your unsaved changes will be lost.";
  let leaving = false;  // the user already said yes, or is saving

  function changed(id) { const input = document.getElementById(id); return input !== null && input.value !== input.defaultValue; }

  function unsaved() {
    if (!document.getElementById("designer-form")) return false;
    const sync = window.designerSync;
    const base = document.querySelector("#block input[name=text_base]");
    const text = document.getElementById("query-text");
    return Boolean(document.querySelector("#block[data-unsaved]") || (sync && (sync.busy() || sync.textUnsynced()))
                   || (base && text && text.value.trim() !== base.value.trim()) || changed("name") || changed("description"));
  }

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !unsaved()) return;
    event.preventDefault();
    event.returnValue = "";  // Chromium still wants it set to ask
  });

  // A link inside the app asks in words of its own (and then the browser need not ask again).
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
        || event.altKey || link.target === "_blank" || link.hasAttribute("download")
        || link.getAttribute("href").charAt(0) === "#" || !unsaved()) return;
    if (window.confirm(QUESTION)) leaving = true; else event.preventDefault();
  });

  // Posting a form leaves the page too: Save, Go live and Delete (which asks its own question) keep or end the
  // work; any other post (Stop, Evaluate now, Duplicate, Sign out) would drop it, so it asks.
  window.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;  // not leaving after all (e.g. Save waits for the sync)
    const action = event.target.id === "designer-form" && event.submitter ? event.submitter.value : "";
    const keeps = action === "save" || action === "golive" || action === "delete_segment";
    if (!keeps && !leaving && unsaved() && !window.confirm(QUESTION)) event.preventDefault(); else leaving = true;
  });
})();
