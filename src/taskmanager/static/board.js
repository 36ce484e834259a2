// Drag and drop on the board, as an enhancement: without JavaScript each card's
// "Move" form does the same. A drop posts the new column and position through htmx;
// the server answers with HX-Redirect so the board re-renders from the truth.
(function () {
  "use strict";
  const board = document.querySelector("[data-board]");
  if (!board || !window.htmx) return;
  let dragged = null;

  board.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".board-card");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.taskId);
  });
  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    board.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
  });
  board.addEventListener("dragover", (event) => {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });
  board.addEventListener("dragleave", (event) => {
    const column = event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });
  board.addEventListener("drop", (event) => {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    const cards = [...column.querySelectorAll(".board-card")].filter((c) => c !== dragged);
    const below = cards.find((c) => event.clientY < c.getBoundingClientRect().top + c.offsetHeight / 2);
    const position = below ? cards.indexOf(below) : cards.length;
    const form = dragged.querySelector("form");
    htmx.ajax("POST", dragged.dataset.moveUrl, {
      source: dragged,
      values: {
        csrf_token: form.querySelector("[name=csrf_token]").value,
        version: dragged.dataset.version,
        status: column.dataset.status,
        position: position,
      },
    });
  });
})();
