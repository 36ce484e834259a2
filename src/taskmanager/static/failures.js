// Says so when a change made in place (htmx) fails. htmx swaps nothing on an error
// answer and nothing when the server cannot be reached, so without this an inline
// edit, a checklist tick or a board move that failed would look as if it had worked.
// Answers a page handles itself (409 and 422 carry their own message in the swapped
// part) never get here: their handlers mark them as not errors.
(function () {
  "use strict";

  const WHAT_TO_DO = {
    400: "The change was not understood. Reload the page and try again.",
    401: "You have been signed out. Sign in again, then redo the change.",
    403: "You no longer have permission to do this. Reload the page to see what you can do.",
    404: "This item no longer exists: someone may have deleted it. Reload the page.",
    409: "Someone else changed this meanwhile. Reload the page to see their change, then redo yours.",
    413: "That is too large to save. Make it smaller and try again.",
    422: "That value was refused. Check it and try again.",
    429: "Too many changes in a short time. Wait a minute, then try again.",
  };
  const REFUSED = "The change was not saved. Reload the page and try again.";
  const SERVER_ERROR = "Something went wrong on our side and the change was not saved. Try again in a moment.";
  const UNREACHABLE = "TaskManager could not be reached, so the change was not saved. Check your connection and try again.";

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

  function show(text, requestId) {
    const alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible shadow mb-2";
    alert.dataset.failure = "";
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
    close.addEventListener("click", () => alert.remove());
    alert.appendChild(close);
    const box = region();
    // One notice per kind of failure: a burst of them would bury the page.
    box.querySelectorAll("[data-failure]").forEach((old) => {
      if (old.firstChild.textContent === text) old.remove();
    });
    box.appendChild(alert);
  }

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const text = WHAT_TO_DO[xhr.status] || (xhr.status >= 500 ? SERVER_ERROR : REFUSED);
    show(text, xhr.getResponseHeader("X-Request-ID"));
  });

  document.addEventListener("htmx:sendError", () => show(UNREACHABLE, null));
  document.addEventListener("htmx:timeout", () => show(UNREACHABLE, null));
})();
