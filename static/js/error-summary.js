/*
 * A form that comes back with errors: focus moves to its error summary, so a screen reader reads
 * it out and a keyboard user is one Tab away from the link to the first field to fix. Without
 * this script the page still says so: the summary is role="alert" and the title starts "Error:".
 */
(function () {
  "use strict";

  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
