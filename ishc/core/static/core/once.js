// Once-only submits (see ishc/core/once.py): while a form that carries a one-time token is being
// sent, its submit buttons are disabled, so a second tap on a slow network sends nothing. The
// server answers a repeated token with the first result anyway; this only spares the round trip.
(function () {
  "use strict";
  function buttons(form) {
    return form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector('input[name="once_token"]')) return;
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    // Disable after the browser has read the form: a disabled submitter would drop its own
    // name and value (an "approve" / "reject" button) from what is sent.
    window.setTimeout(function () {
      buttons(form).forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Back to a page from the browser's cache: the form can be used again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll('form[data-sending="1"]').forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
      buttons(form).forEach(function (b) { b.disabled = false; });
    });
  });
})();
