/* Milieu — makes the citizen card pages usable offline: links the web app manifest and registers
   the service worker of the card pages (its URL and scope come from this tag's data attributes).
   Loaded by the card pages only; the pages work the same without it. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    return;
  }
  var data = script.dataset;

  if (data.manifest && !document.querySelector('link[rel="manifest"]')) {
    var link = document.createElement("link");
    link.rel = "manifest";
    link.href = data.manifest;
    document.head.appendChild(link);
  }

  if (!("serviceWorker" in navigator) || !data.serviceWorker) {
    return;
  }
  navigator.serviceWorker
    .register(data.serviceWorker, { scope: data.scope })
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .then(function () {
      var status = document.getElementById("offline-status");
      if (status && data.readyMessage) {
        status.textContent = data.readyMessage;
        status.dataset.offlineReady = "true";
      }
    })
    .catch(function () {
      // Offline use is a bonus: the page works without it.
    });
})();
