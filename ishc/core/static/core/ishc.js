// Page behaviour, kept out of the HTML so that the Content-Security-Policy can forbid every
// inline script: an injected <script> or on…= attribute never runs.
//   data-autosubmit   on a field: send its form as soon as the choice changes;
//                     data-clear="name" also empties that field first (a programme's phase).
//   data-print        on a button: print the page.
//   data-select       on a read-only field: select its whole text when tapped (a new token,
//                     copied once).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (!field || !field.form) return;
  const clear = field.dataset.clear && field.form.elements[field.dataset.clear];
  if (clear) clear.value = "";
  field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
  const select = event.target.closest("[data-select]");
  if (select) select.select();
});
