// Small glue only: editor view tabs, full screen, copy to clipboard, confirmations. Everything else is htmx.
(function () {
  "use strict";
  const FULL = "designer.fullscreen";
  const VIEW = "designer.view";

  function setFullscreen(on) {
    const editor = document.getElementById("editor");
    const button = document.getElementById("fullscreen");
    if (!editor || !button) return;
    editor.classList.toggle("fullscreen", on);
    document.body.classList.toggle("has-fullscreen", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "Exit full screen" : "Full screen";
    try { on ? localStorage.setItem(FULL, "1") : localStorage.removeItem(FULL); } catch (e) { /* private mode */ }
  }

  function showView(name, remember) {
    const tabs = document.querySelectorAll("[role=tab][data-tab]");
    if (!tabs.length) return;
    tabs.forEach(function (tab) {
      const selected = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
    if (remember) { try { localStorage.setItem(VIEW, name); } catch (e) { /* ignore */ } }
  }

  function init() {
    document.documentElement.classList.add("js");
    let view = "designer";
    try { view = localStorage.getItem(VIEW) || "designer"; } catch (e) { /* ignore */ }
    if (new URLSearchParams(location.search).get("view") === "query") view = "query";
    const editor = document.getElementById("editor");
    if (editor && editor.dataset.view) view = editor.dataset.view;  // the server's: e.g. back at a refused text
    showView(view, false);
    let full = false;
    try { full = localStorage.getItem(FULL) === "1"; } catch (e) { /* ignore */ }
    if (full) setFullscreen(true);
  }

  document.addEventListener("click", function (event) {
    const target = event.target.closest("button, a");
    if (!target) return;
    if (target.id === "fullscreen") {
      setFullscreen(!document.getElementById("editor").classList.contains("fullscreen"));
    } else if (target.matches("[role=tab][data-tab]")) {
      showView(target.dataset.tab, true);
    } else if (target.dataset.copy) {
      const source = document.querySelector(target.dataset.copy);
      const done = function () { target.textContent = "Copied"; setTimeout(function () { target.textContent = "Copy to clipboard"; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () { source.select(); document.execCommand("copy"); done(); });
      } else { source.select(); document.execCommand("copy"); done(); }
    } else if (target.dataset.confirm && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.querySelector("#editor.fullscreen")) {
      setFullscreen(false);
      document.getElementById("fullscreen").focus();
    } else if (event.target.matches("[role=tab][data-tab]") && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      const tabs = Array.from(document.querySelectorAll("[role=tab][data-tab]"));
      const next = tabs[(tabs.indexOf(event.target) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      showView(next.dataset.tab, true);
      next.focus();
    }
  });

  // Controls that have their own request (record search, row selection) do not re-render the whole block.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-nosync]")) event.stopPropagation();
  }, true);

  // An htmx request the server refuses (403: a Viewer, 409: a concurrent edit, ...) says so instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    let text = "The server refused the request (" + xhr.status + ").";
    try {
      const found = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("[data-forbidden], .failure");
      if (found) text = found.textContent.trim();
    } catch (e) { /* keep the generic text */ }
    let box = document.getElementById("request-error");
    if (!box) {
      box = document.createElement("p");
      box.id = "request-error";
      box.className = "failure";
      box.setAttribute("role", "alert");
      const main = document.getElementById("main");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = text;
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
