// The admin's "With selected" menu without inline event handlers (the CSP forbids
// them): each item names its action in data-admin-action; Flask-Admin's own
// actions.js (loaded just before) defines modelActions.
document.addEventListener("click", function (event) {
  var item = event.target.closest("[data-admin-action]");
  if (!item || typeof modelActions === "undefined") return;
  event.preventDefault();
  modelActions.execute(item.getAttribute("data-admin-action"));
});
