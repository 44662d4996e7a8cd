/* claimsbase: filter forms send only the filters chosen.
 *
 * A form sends every field, the empty ones too (q=&actor=&…); on submit the
 * empty fields of a form marked data-drop-empty are disabled, so the browser
 * leaves them out and the address holds only what was chosen. Without
 * JavaScript the page itself redirects such an address to the one without
 * the empty parameters, so the result is the same.
 */
(function () {
  "use strict";

  function dropEmpty(form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.disabled) return;
        if (field.type === "checkbox" || field.type === "radio") return;
        if (field.value.trim() === "") {
          field.disabled = true;
          field.dataset.droppedEmpty = "1";
        }
      });
      // Re-enabled after the browser has read the form, so "Back" finds it as it was.
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.dataset.droppedEmpty) {
            field.disabled = false;
            delete field.dataset.droppedEmpty;
          }
        });
      }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-drop-empty]"), dropEmpty);
  });
})();
