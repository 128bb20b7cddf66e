/* Map page controls: show that the map is being redrawn after the form is sent.
 * The form works without this file (plain GET); no inline handlers are used. */
(function (document) {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("map-controls");
    if (!form) { return; }
    form.addEventListener("submit", function () {
      form.setAttribute("aria-busy", "true");
      var button = document.getElementById("control-submit");
      if (button) { button.setAttribute("aria-disabled", "true"); }
    });
  });
}(document));
