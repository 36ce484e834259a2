// Fast entry, as an enhancement of pages that work without it:
// - keyboard shortcuts: c (quick add), / (search), j and k (move through tasks),
//   Enter (open the chosen task), ? (list the shortcuts); never while typing;
// - inline edits in the task list: Escape (or leaving the cell unchanged) puts the
//   row back; a refused edit (409 someone else changed it, 422 a bad value) still
//   swaps in, since that row carries the message.
(function () {
  "use strict";

  // On a phone, the project's filters and its full add form start folded so the
  // tasks are on the first screen (a fold whose filters are in use stays open).
  if (window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details[data-phone-folded]:not([data-keep-open])").forEach((fold) => {
      fold.open = false;
    });
  }

  const SHORTCUTS = [
    ["c", "Add a task (focus the quick-add box)"],
    ["/", "Search"],
    ["j", "Next task"],
    ["k", "Previous task"],
    ["Enter", "Open the chosen task"],
    ["?", "Show these shortcuts"],
    ["Esc", "Close this list, or stop editing a cell"],
  ];

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
  }

  function tasks() {
    return [...document.querySelectorAll("[data-task-row], [data-task-id]")].filter(
      (item) => item.offsetParent !== null
    );
  }

  function select(step) {
    const items = tasks();
    if (!items.length) return;
    const current = items.findIndex((item) => item.classList.contains("tm-selected"));
    const next = current === -1 ? (step > 0 ? 0 : items.length - 1)
      : Math.min(items.length - 1, Math.max(0, current + step));
    items.forEach((item) => {
      item.classList.remove("tm-selected");
      item.removeAttribute("aria-current");
    });
    items[next].classList.add("tm-selected");
    items[next].setAttribute("aria-current", "true");
    items[next].scrollIntoView({ block: "nearest" });
  }

  function open() {
    const chosen = document.querySelector(".tm-selected");
    if (!chosen) return false;
    const link = chosen.dataset.href || (chosen.querySelector("a[href]") || {}).href;
    if (link) window.location.assign(link);
    return Boolean(link);
  }

  function focusField(field) {
    if (!field) return false;
    field.focus();
    if (field.select) field.select();
    return true;
  }

  function helpDialog() {
    let dialog = document.getElementById("shortcuts-help");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "shortcuts-help";
    dialog.className = "tm-shortcuts";
    dialog.setAttribute("aria-labelledby", "shortcuts-help-title");
    const title = document.createElement("h2");
    title.id = "shortcuts-help-title";
    title.className = "h5";
    title.textContent = "Keyboard shortcuts";
    const list = document.createElement("dl");
    SHORTCUTS.forEach(([key, meaning]) => {
      const term = document.createElement("dt");
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      term.appendChild(kbd);
      const description = document.createElement("dd");
      description.textContent = meaning;
      list.append(term, description);
    });
    const note = document.createElement("p");
    note.className = "small text-body-secondary";
    note.textContent = "They do nothing while you type in a field.";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn-sm btn-secondary";
    close.textContent = "Close";
    close.addEventListener("click", () => dialog.close());
    dialog.append(title, list, note, close);
    document.body.appendChild(dialog);
    return dialog;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const dialog = document.getElementById("shortcuts-help");
    if (dialog && dialog.open) return;
    let handled = false;
    switch (event.key) {
      case "c":
        handled = focusField(document.getElementById("quick-add"));
        break;
      case "/":
        handled = focusField(
          document.getElementById("nav-search") || document.querySelector(".tm-filters input[name=q]")
        );
        break;
      case "j":
        select(1);
        handled = true;
        break;
      case "k":
        select(-1);
        handled = true;
        break;
      case "Enter":
        // A focused link or button does its own thing on Enter.
        if (!event.target.closest || !event.target.closest("a, button")) handled = open();
        break;
      case "?":
        helpDialog().showModal();
        handled = true;
        break;
    }
    if (handled) event.preventDefault();
  });

  // Inline edits (entry/_task_row.html).
  function cancel(form) {
    if (!form.isConnected || form.classList.contains("htmx-request") || !window.htmx) return;
    htmx.ajax("GET", form.dataset.cancelUrl, { target: form.closest("tr"), swap: "outerHTML" });
  }

  document.addEventListener("keydown", (event) => {
    const form = event.target.closest && event.target.closest(".tm-cell-form");
    if (form && event.key === "Escape") {
      event.preventDefault();
      cancel(form);
    }
  });

  document.addEventListener("focusout", (event) => {
    const form = event.target.closest && event.target.closest(".tm-cell-form");
    if (!form || form.contains(event.relatedTarget)) return;
    const field = form.querySelector("select, input:not([type=hidden])");
    if (field && field.value === field.defaultValue) setTimeout(() => cancel(form), 200);
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    const target = event.detail.target;
    const ours = target && (target.matches("[data-task-row]") || target.id === "quick-add-form");
    if (ours && (status === 409 || status === 422)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "quick-add-form") {
      focusField(document.getElementById("quick-add"));
    }
  });
})();
