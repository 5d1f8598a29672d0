// The record lookup as a WAI-ARIA 1.2 combobox: the text field (role=combobox) keeps the focus while the arrow keys
// move the active option of its listbox popup (aria-activedescendant), Enter picks, Escape closes. The options are
// the server's submit buttons, so picking is the same htmx post (or plain form post) as a click.
(function () {
  "use strict";

  function popupOf(box) { return document.getElementById(box.getAttribute("aria-controls")); }
  function options(popup) { return popup ? Array.from(popup.querySelectorAll("[role=option]")) : []; }
  function isOpen(box) { return box.getAttribute("aria-expanded") === "true"; }

  function setActive(box, option) {
    const popup = popupOf(box);
    options(popup).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) {
      box.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function open(box, on) {
    const popup = popupOf(box);
    const showing = on && !!popup && popup.children.length > 0;
    if (popup) popup.hidden = !showing;
    box.setAttribute("aria-expanded", showing ? "true" : "false");
    if (!showing) setActive(box, null);
  }

  // Options are reached with the arrow keys from the field, not with Tab (they still are without this script).
  function adopt(popup) {
    options(popup).forEach(function (o) { o.tabIndex = -1; });
    const box = document.querySelector("[role=combobox][aria-controls='" + popup.id + "']");
    if (box) open(box, document.activeElement === box);
  }

  document.addEventListener("keydown", function (event) {
    const box = event.target;
    if (!box.matches || !box.matches("input[role=combobox]")) return;
    const list = options(popupOf(box));
    const active = document.getElementById(box.getAttribute("aria-activedescendant") || "");
    const at = list.indexOf(active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!list.length) return;
      event.preventDefault();
      if (!isOpen(box)) { open(box, true); if (event.altKey) return; }
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive(box, list[at < 0 ? (step > 0 ? 0 : list.length - 1) : (at + step + list.length) % list.length]);
    } else if (event.key === "Enter") {
      const pick = active || (list.length === 1 ? list[0] : null);  // a pasted address finds the one record
      if (!isOpen(box) && !pick) return;
      event.preventDefault();  // never the form's implicit submission from the search field
      if (pick) pick.click();
    } else if (event.key === "Escape" && isOpen(box)) {
      event.preventDefault();
      event.stopPropagation();  // closes the list only, not the full-screen editor
      open(box, false);
    }
  }, true);

  // A click on an option must not take the focus from the field: it stays there after the pick.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[role=listbox] [role=option]")) event.preventDefault();
  });

  document.addEventListener("focusout", function (event) {
    const box = event.target;
    if (box.matches && box.matches("input[role=combobox]") && !(event.relatedTarget && popupOf(box) &&
        popupOf(box).contains(event.relatedTarget))) open(box, false);
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[role=combobox]") && event.target.value.trim()) {
      open(event.target, true);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const root = event.detail.elt;
    if (root.matches && root.matches("[role=listbox]")) adopt(root);
    (root.querySelectorAll ? root.querySelectorAll("[role=listbox]") : []).forEach(adopt);
  });

  function init() { document.querySelectorAll("[role=listbox]").forEach(adopt); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
