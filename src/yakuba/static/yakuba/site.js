/* The site's only script besides htmx (Content-Security-Policy: no inline script).
   An input marked data-select-on-load is focused with its value selected, so that typing replaces it
   (the verification screen: Enter confirms, typing corrects). */
document.addEventListener("DOMContentLoaded", function () {
  var input = document.querySelector("[data-select-on-load]");
  if (input) { input.focus(); input.select(); }
});
