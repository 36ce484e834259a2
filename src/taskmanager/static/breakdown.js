// The checklist and dependencies sections are boosted by htmx: a post swaps only its
// section. A refused form answers 422 with the section showing why; htmx leaves error
// answers unswapped by default, so these sections opt in to showing them.
(function () {
  "use strict";
  if (window.breakdownSwapsRefusals) return;
  window.breakdownSwapsRefusals = true;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 422 && source && source.closest("[data-swap-refusals]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
