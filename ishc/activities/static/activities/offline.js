/* Installs the service worker and, once it runs, asks the server which clubs this person records
 * for and fetches each club's meeting-day page and roster of the current month, so that the
 * worker keeps them for a village hall with no signal. Loaded on the home page and in the flow. */
(() => {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  const script = document.currentScript;
  const url = script.dataset.sw || "/sw.js";
  const clubsUrl = script.dataset.clubs || "/api/v1/meeting-day/clubs";
  navigator.serviceWorker
    .register(url, { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then(
      // The fetches below must go through the worker to be kept: wait until it controls the page.
      () =>
        navigator.serviceWorker.controller ||
        new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true })),
    )
    .then(async () => {
      if (!navigator.onLine) return;
      const r = await fetch(clubsUrl, { credentials: "same-origin" });
      if (!r.ok) return;
      for (const club of await r.json()) {
        await fetch(club.page, { credentials: "same-origin" });
        await fetch(club.roster, { credentials: "same-origin" });
      }
    })
    .catch(() => {
      // No worker (private window, old browser): the flow still keeps everything in IndexedDB.
    });
})();
