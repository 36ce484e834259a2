// Follows the system's light or dark setting with Bootstrap 5.3's data-bs-theme.
// Loaded without defer in <head>, so the page never flashes light before turning
// dark; a file and not an inline script, because the CSP allows only 'self'.
(function () {
  "use strict";
  const query = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  };
  apply();
  query.addEventListener("change", apply);
})();
