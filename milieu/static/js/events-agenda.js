/* Events: the agenda's opt-in "Use my location" button (templates/events/agenda.html).
   The agenda works without it: the reader then picks a city to count distances from. When the
   person presses the button, the browser is asked for the position once; the position, rounded
   to about 100 m, is posted with the current filters, and the server keeps only its
   neighbourhood (an H3 cell) for this search. Nothing is asked before the button is pressed. */
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;
  var button = document.getElementById("agenda-geolocate");
  if (!button) return;
  var form = button.form;
  var filters = document.getElementById(button.dataset.filters);
  var status = document.getElementById(button.dataset.status);
  button.closest(".geolocate").hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.asking;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(3);
        form.elements.lng.value = position.coords.longitude.toFixed(3);
        new FormData(filters).forEach(function (value, name) {
          if (name === "near" || name === "cell") return;
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        });
        form.submit();
      },
      function () {
        status.textContent = button.dataset.failed;
      },
      { enableHighAccuracy: false, maximumAge: 600000, timeout: 20000 }
    );
  });
})();
