/*
 * Shortlist buttons with htmx: a polite live region that says what a toggle did ("... is on your
 * shortlist."). The toggle's response fills it out of band (members/_shortlist_button.html).
 * A live region is only announced if it was on the page before its text changed, so it is made
 * as soon as the page is ready, and made again after a history restore replaces the page.
 * Without JavaScript nothing is needed: the POST redirects and the page shows the message.
 */
(function () {
  "use strict";

  function ensureAnnouncer() {
    if (document.getElementById("shortlist-announcer")) {
      return;
    }
    var region = document.createElement("div");
    region.id = "shortlist-announcer";
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    (document.getElementById("main-content") || document.body).appendChild(region);
  }

  document.addEventListener("DOMContentLoaded", ensureAnnouncer);
  document.addEventListener("htmx:historyRestore", ensureAnnouncer);
})();
