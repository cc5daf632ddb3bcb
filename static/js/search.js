/*
 * The search page with htmx: a ticked box, a new sort or a submitted search fetches
 * members/_search_update.html, which replaces the results, the sort and the count's text.
 *
 * The filter form itself is never replaced, so the box just ticked keeps focus and words typed
 * while the request was on its way stay where they are. The update brings the new facet counts
 * (#facet-counts, data-counts: {facet: {option: count}}, options that find nothing left out) and
 * this script writes them into the labels, showing or hiding options exactly as a full page
 * would: an option that would find nothing is hidden unless its facet has a tick (a facet in use
 * shows its zeros), a group or a facet with no option left is hidden. If the focused option has to go, focus moves to its facet's heading.
 *
 * Anything else that held focus and was replaced (the sort) gets it back by its id.
 * If the request fails, the form is submitted the ordinary way, so the buyer still gets a page.
 */
(function () {
  "use strict";

  var FORM_ID = "company-filters";
  var TARGET_ID = "results-body";
  var focusedId = "";

  function setText(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function applyCounts(form, counts) {
    form.querySelectorAll("details.facet").forEach(function (details) {
      var param = details.id.replace(/^facet-/, "");
      var known = counts[param] || {};
      var shown = 0;
      // The options only: "Must have all selected" has a name of its own (param_mode).
      var boxes = details.querySelectorAll('input[type="checkbox"][name="' + param + '"]');
      var ticked = 0;
      boxes.forEach(function (box) {
        ticked += box.checked ? 1 : 0;
      });
      boxes.forEach(function (box) {
        var count = known[box.value] || 0;
        var label = box.closest("label");
        setText(label.querySelector("small"), "(" + count + ")");
        label.hidden = !(count > 0 || ticked > 0);
        shown += label.hidden ? 0 : 1;
      });
      details.querySelectorAll("fieldset.facet__group").forEach(function (group) {
        group.hidden = !group.querySelector("label:not([hidden])");
      });
      details.hidden = shown === 0;
      var selected = details.querySelector(".facet__selected");
      if (ticked && !selected) {
        selected = document.createElement("span");
        selected.className = "facet__selected";
        details.querySelector("summary").append(" ", selected);
      }
      if (selected) {
        setText(selected, ticked + " selected");
        selected.hidden = ticked === 0;
      }
    });
  }

  function keepFocusVisible(form) {
    var active = document.activeElement;
    if (!active || !form.contains(active) || active.offsetParent !== null) {
      return;
    }
    // The focused option was hidden (it finds nothing now): its facet's heading takes focus.
    var details = active.closest("details.facet");
    var summary = details && !details.hidden ? details.querySelector("summary") : null;
    (summary || document.getElementById("results")).focus({ preventScroll: true });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === TARGET_ID) {
      var active = document.activeElement;
      focusedId = active && active.id ? active.id : "";
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== TARGET_ID) {
      return;
    }
    var form = document.getElementById(FORM_ID);
    var holder = document.getElementById("facet-counts");
    if (form && holder && holder.dataset.counts) {
      applyCounts(form, JSON.parse(holder.dataset.counts));
      keepFocusVisible(form);
    }
    var wanted = focusedId && document.getElementById(focusedId);
    if (wanted && document.activeElement !== wanted && !document.activeElement.closest("#" + FORM_ID)) {
      wanted.focus({ preventScroll: true });
    }
    focusedId = "";
  });

  function fallBackToPlainSubmit(event) {
    var elt = event.detail.elt;
    var form = elt && (elt.id === FORM_ID ? elt : elt.form);
    if (form && form.id === FORM_ID) {
      // HTMLFormElement.prototype.submit fires no submit event, so htmx stays out of the way.
      HTMLFormElement.prototype.submit.call(form);
    }
  }

  document.addEventListener("htmx:responseError", fallBackToPlainSubmit);
  document.addEventListener("htmx:sendError", fallBackToPlainSubmit);
})();
