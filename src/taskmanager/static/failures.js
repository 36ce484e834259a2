// Says so when a change or a read made in place (htmx) fails. htmx swaps nothing on
// an error answer and nothing when the server cannot be reached, so without this an
// inline edit, a checklist tick or a board move that failed would look as if it had
// worked, and a search box or a menu that could not load would just stay as it was.
// Answers a part shows itself (409 and 422 carry their message in the swapped part)
// never get here: their handlers mark them as not errors. A refused board move also
// puts the card back (board.js); the notice says why.
(function () {
  "use strict";

  // Why, and what to do next; led by what failed: a change (not saved) or a read.
  const REASONS = {
    400: "It was not understood. Reload the page and try again.",
    401: "You have been signed out. Sign in again, then try again.",
    403: "You no longer have permission for this. Reload the page to see what you can do.",
    404: "This item no longer exists: someone may have deleted it. Reload the page.",
    409: "Someone else changed this meanwhile. Reload the page to see their change, then redo yours.",
    413: "It is too large. Make it smaller and try again.",
    422: "A value was refused. Check it and try again.",
    429: "Too many requests in a short time. Wait a minute, then try again.",
  };
  const SERVER_ERROR = "Something went wrong on our side. Try again in a moment.";
  const OTHER = "Reload the page and try again.";
  const UNREACHABLE = "TaskManager could not be reached. Check your connection and try again.";

  function isRead(event) {
    const config = event.detail.requestConfig;
    return ((config && config.verb) || "get").toLowerCase() === "get";
  }

  function lead(event) {
    return isRead(event) ? "This could not be loaded. " : "The change was not saved. ";
  }

  function region() {
    let box = document.getElementById("tm-failures");
    if (!box) {
      box = document.createElement("div");
      box.id = "tm-failures";
      box.className = "tm-failures";
      box.setAttribute("role", "alert");
      box.setAttribute("aria-live", "assertive");
      document.body.appendChild(box);
    }
    return box;
  }

  // Read failures dismissed since the last request that worked: a poll failing every
  // second (an import's progress while the server restarts) must not bring them back.
  // A failed change always shows: someone just made it. A notice already on screen is
  // never added (or announced) twice.
  const dismissed = new Set();

  function show(event, text, requestId, unreachable = false) {
    const box = region();
    const same = [...box.querySelectorAll("[data-failure]")].some(
      (shown) => shown.firstChild.textContent === text
    );
    if (same || (isRead(event) && dismissed.has(text))) return;
    const alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible shadow mb-2";
    alert.dataset.failure = "";
    if (unreachable) alert.dataset.unreachable = "";
    const message = document.createElement("span");
    message.textContent = text;
    alert.appendChild(message);
    if (requestId) {
      const reference = document.createElement("small");
      reference.className = "d-block text-body-secondary mt-1";
      reference.textContent = `Reference: ${requestId}`;
      alert.appendChild(reference);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", () => {
      dismissed.add(text);
      alert.remove();
    });
    alert.appendChild(close);
    box.appendChild(alert);
  }

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const reason = REASONS[xhr.status] || (xhr.status >= 500 ? SERVER_ERROR : OTHER);
    show(event, lead(event) + reason, xhr.getResponseHeader("X-Request-ID"));
  });

  // A request that worked: the connection is back, so its notices go, and any
  // failure from now on is news again.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (!event.detail.successful) return;
    dismissed.clear();
    document.querySelectorAll("#tm-failures [data-unreachable]").forEach((shown) => shown.remove());
  });

  document.addEventListener("htmx:sendError", (event) => show(event, lead(event) + UNREACHABLE, null, true));
  document.addEventListener("htmx:timeout", (event) => show(event, lead(event) + UNREACHABLE, null, true));
})();
