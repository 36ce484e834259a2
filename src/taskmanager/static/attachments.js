// Attachments on the task page: several files at once, dropped anywhere on the page or
// picked, each sent on its own request with a progress bar. Without JavaScript the same
// form posts all chosen files in one request. No inline script: the CSP forbids it.
(function () {
  "use strict";

  function setUp(form) {
    var input = form.querySelector('input[type="file"]');
    var list = form.querySelector("[data-upload-progress]");
    var token = form.querySelector('input[name="csrf_token"]').value;
    form.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    input.required = false;

    function send(file) {
      return new Promise(function (resolve) {
        var item = document.createElement("li");
        item.className = "small mb-2";
        var label = document.createElement("div");
        label.textContent = file.name + " ";
        var state = document.createElement("span");
        state.className = "text-body-secondary";
        state.textContent = "uploading…";
        label.appendChild(state);
        var bar = document.createElement("progress");
        bar.className = "attachment-progress";
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute("aria-label", "Upload progress of " + file.name);
        item.appendChild(label);
        item.appendChild(bar);
        list.appendChild(item);

        var request = new XMLHttpRequest();
        request.open("POST", form.action);
        request.setRequestHeader("X-CSRFToken", token);
        request.setRequestHeader("X-Upload", "1");
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { bar.value = Math.floor((event.loaded / event.total) * 100); }
        });
        request.addEventListener("load", function () {
          if (request.status === 201) {
            bar.value = 100;
            state.textContent = "uploaded";
            resolve(true);
          } else {
            state.textContent = request.responseText.length < 300 && request.getResponseHeader("Content-Type").indexOf("text/plain") === 0
              ? request.responseText : "The upload failed (" + request.status + "). Try again.";
            item.classList.add("text-danger");
            resolve(false);
          }
        });
        request.addEventListener("error", function () {
          state.textContent = "The upload was interrupted. Check your connection and try again.";
          item.classList.add("text-danger");
          resolve(false);
        });
        var body = new FormData();
        body.append("file", file, file.name);
        request.send(body);
      });
    }

    function sendAll(files) {
      if (!files || !files.length) { return; }
      Promise.all(Array.prototype.map.call(files, send)).then(function (results) {
        if (results.every(Boolean)) {
          window.location.reload();
        } else if (results.some(Boolean)) {
          var again = document.createElement("li");
          var link = document.createElement("a");
          link.href = window.location.pathname + "#attachments";
          link.textContent = "Show the files that were uploaded";
          link.addEventListener("click", function () { window.location.reload(); });
          again.appendChild(link);
          list.appendChild(again);
        }
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendAll(input.files);
      input.value = "";
    });
    // Dropping files anywhere on the task page attaches them to this task.
    var page = document.body;
    ["dragenter", "dragover"].forEach(function (type) {
      page.addEventListener(type, function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
          event.preventDefault();
          page.classList.add("attachment-drop-active");
        }
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      page.addEventListener(type, function () { page.classList.remove("attachment-drop-active"); });
    });
    page.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) {
        event.preventDefault();
        sendAll(event.dataTransfer.files);
      }
    });
  }

  document.querySelectorAll("[data-attachment-form]").forEach(setUp);
})();
