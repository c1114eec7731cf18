/* Filing a problem report: the opt-in "Use my location" button (templates/reports/report_form.html).
   The form works without it (the latitude and longitude typed). When the person presses the
   button, the browser is asked for the position once; it fills the form's hidden lat/lng fields
   and tells the form it changed, so that htmx shows the point and the similar reports nearby.
   Nothing is asked before the button is pressed. */
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;
  document.querySelectorAll("[data-report-locate]").forEach(function (button) {
    var form = button.form;
    var status = document.getElementById(button.dataset.status);
    button.closest(".geolocate").hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.asking;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(6);
          form.elements.lng.value = position.coords.longitude.toFixed(6);
          status.textContent = button.dataset.done;
          form.elements.lng.dispatchEvent(new Event("change", { bubbles: true }));
        },
        function () {
          status.textContent = button.dataset.failed;
        },
        { enableHighAccuracy: true, maximumAge: 60000, timeout: 20000 }
      );
    });
  });
})();
