/* Sharing: the opt-in "Use my position" button (templates/exchange/_geolocate.html).
   The page works without it: a reader is then where their district's centre is. When the
   person presses the button, the browser is asked for the position once; it fills the form's
   hidden lat/lng fields, rounded to about 100 m, and the server keeps only its neighbourhood
   (an H3 cell). Nothing is asked before the button is pressed. */
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;
  document.querySelectorAll("[data-geolocate]").forEach(function (button) {
    var form = button.form;
    var status = document.getElementById(button.dataset.status);
    button.closest(".geolocate").hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.asking;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(3);
          form.elements.lng.value = position.coords.longitude.toFixed(3);
          if (button.dataset.choose) {
            var choice = document.getElementById(button.dataset.choose);
            if (choice) choice.checked = true;
          }
          status.textContent = button.dataset.done;
          if (button.hasAttribute("data-submit")) form.requestSubmit();
        },
        function () {
          status.textContent = button.dataset.failed;
        },
        { enableHighAccuracy: false, maximumAge: 600000, timeout: 20000 }
      );
    });
  });
})();
