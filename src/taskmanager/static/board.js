// The board, enhanced. Without JavaScript every part still works: each card's "⋯"
// menu holds a form that moves it, and "Load more" is a link to the next cards.
//
// With it: a card dropped (or moved from its menu) goes where it was put at once, and
// htmx posts the move and swaps in the server's card (its new version) and the
// columns' counts; nothing reloads. Every few seconds the board asks for its columns
// with If-None-Match: the server answers 304 while nothing changed, and new columns
// when a teammate changed something.
(function () {
  "use strict";
  if (!window.htmx || !document.querySelector("[data-board]")) return;
  const board = () => document.querySelector("[data-board]");
  let dragged = null;
  let inFlight = 0; // moves posted and not yet answered

  // --- moving a card ------------------------------------------------------------------

  function cardsOf(column) {
    return column.querySelector("[data-cards]");
  }

  function place(card, column, before) {
    const list = cardsOf(column);
    list.querySelectorAll(".board-empty").forEach((empty) => empty.remove());
    list.insertBefore(card, before || list.querySelector(".board-more"));
  }

  // ``spot``: {above: card} or {below: card}, the shown card the drop landed next to
  // (null: the end of the column). Sent by its id, not as an index: a filtered board,
  // or a column shown a page at a time, hides cards that an index counted among the
  // shown ones would land among.
  function move(card, column, spot) {
    const form = card.querySelector(".board-move-form");
    const values = {
      csrf_token: form.querySelector("[name=csrf_token]").value,
      version: card.dataset.version,
      status: column.dataset.status,
    };
    if (spot && spot.above) values.above = spot.above.dataset.taskId;
    if (spot && spot.below) values.below = spot.below.dataset.taskId;
    // The board's filters ride along, so the counts that come back are the shown ones.
    const query = new URL(board().dataset.pollUrl, location.href).search;
    inFlight += 1;
    htmx
      .ajax("POST", card.dataset.moveUrl + query, {
        source: card,
        target: card,
        swap: "outerHTML",
        values: values,
      })
      .finally(() => {
        inFlight -= 1;
      });
  }

  document.addEventListener("dragstart", (event) => {
    dragged = event.target.closest && event.target.closest(".board-card[draggable=true]");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.taskId);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
  });
  document.addEventListener("dragover", (event) => {
    const column = dragged && event.target.closest(".board-column");
    if (!column) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });
  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest && event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });
  document.addEventListener("drop", (event) => {
    const column = dragged && event.target.closest(".board-column");
    if (!column) return;
    event.preventDefault();
    const card = dragged;
    const others = [...cardsOf(column).querySelectorAll(".board-card")].filter((c) => c !== card);
    const below = others.find((c) => event.clientY < c.getBoundingClientRect().top + c.offsetHeight / 2);
    place(card, column, below);
    // Under the last shown card: just below it, not at the column's very end (cards
    // behind "Load more" follow it).
    const last = others[others.length - 1];
    move(card, column, below ? { above: below } : last ? { below: last } : null);
  });

  // The card menu's form: the same move, to the end of the chosen column.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest(".board-move-form");
    if (!form) return;
    const card = form.closest(".board-card");
    const status = event.submitter && event.submitter.value;
    const column = status && board().querySelector(`.board-column[data-status="${status}"]`);
    if (!card || !column) return; // not on the board (the "more cards" page): post it
    event.preventDefault();
    form.closest("details").open = false;
    if (column !== card.closest(".board-column")) place(card, column, null);
    move(card, column, null);
  });

  // A move refused with an error page (the card was deleted meanwhile): show the truth.
  document.addEventListener("htmx:responseError", (event) => {
    if (event.detail.elt.closest && event.detail.elt.closest(".board-card")) poll(true);
  });

  // --- showing teammates' changes -------------------------------------------------------

  function pollUrl() {
    const url = new URL(board().dataset.pollUrl, location.href);
    board().querySelectorAll(".board-column").forEach((column) => {
      const shown = column.querySelectorAll(".board-card").length;
      if (column.querySelector(".board-more") || shown > 30) {
        url.searchParams.set(`shown_${column.dataset.status}`, String(shown));
      }
    });
    return url;
  }

  function busy() {
    // Never swap the board under someone's hands.
    return dragged || inFlight || board().querySelector("details[open]") ||
      (document.activeElement && board().contains(document.activeElement) &&
       document.activeElement.matches("select, input, button"));
  }

  function swap(html, etag) {
    const old = board();
    const scrolled = {};
    old.querySelectorAll(".board-column").forEach((column) => {
      scrolled[column.dataset.status] = cardsOf(column).scrollTop;
    });
    const left = old.scrollLeft;
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const fresh = holder.querySelector("[data-board]");
    if (!fresh) return;
    fresh.dataset.etag = etag || fresh.dataset.etag;
    old.replaceWith(fresh);
    fresh.scrollLeft = left;
    fresh.querySelectorAll(".board-column").forEach((column) => {
      cardsOf(column).scrollTop = scrolled[column.dataset.status] || 0;
    });
    htmx.process(fresh);
  }

  let timer = null;
  async function poll(force) {
    clearTimeout(timer);
    if (!document.hidden && (force || !busy())) {
      const headers = { "HX-Request": "true" };
      if (!force) headers["If-None-Match"] = board().dataset.etag;
      try {
        // A conditional request skips the browser's cache: the 304 comes through as is.
        const response = await fetch(pollUrl(), { headers: headers, credentials: "same-origin" });
        if (response.status === 200 && (force || !busy())) {
          swap(await response.text(), response.headers.get("ETag"));
        } else if (response.status === 401 || response.status === 403 || response.status === 404) {
          return; // signed out, removed, or the project is gone: stop asking
        }
      } catch (error) {
        // Offline for a moment: ask again at the next tick.
      }
    }
    schedule();
  }

  function schedule() {
    const seconds = Number(board().dataset.pollSeconds) || 10;
    timer = setTimeout(poll, seconds * 1000);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll(false);
  });
  schedule();
})();
