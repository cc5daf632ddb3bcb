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
 * No jump: the results change below or beside the box just ticked, and options above it may
 * appear or go, so the box is measured before the swap and the page scrolled after it to put the
 * box back where it was on screen (the CSS stops the browser anchoring to the results). When the
 * results got so short that the page cannot scroll that far, the results column keeps the room.
 *
 * Anything else that held focus and was replaced (the sort) gets it back by its id.
 * If the request fails, the form is submitted the ordinary way, so the buyer still gets a page.
 *
 * Small screens: ticking inside the "Filter" disclosure leaves it open and updates its
 * "(N selected)"; "Apply filters" closes it and takes the buyer to the results. The A to Z
 * disclosure, which each update sends again, stays open if the buyer opened it.
 */
(function () {
  "use strict";

  var FORM_ID = "company-filters";
  var TARGET_ID = "results-body";
  var focusedId = "";
  var held = null; // {element, id, top, facet, facetTop}: what to keep in place across a swap
  var lastChanged = null;
  var azOpen = false;

  function setText(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function applyCounts(form, counts) {
    var total = 0;
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
      total += ticked;
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
    setText(document.getElementById("filters-count"), total ? "(" + total + " selected)" : "");
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

  function topOf(element) {
    return element.getBoundingClientRect().top;
  }

  function isShown(element) {
    return element.isConnected && element.getClientRects().length > 0;
  }

  // What the buyer is looking at: the box just ticked, else whatever has focus on the page.
  function anchorElement(form) {
    var active = document.activeElement;
    if (lastChanged && form.contains(lastChanged) && isShown(lastChanged)) {
      return lastChanged;
    }
    if (active && active !== document.body && isShown(active)) {
      return active;
    }
    return null;
  }

  function remember(form) {
    var element = anchorElement(form);
    held = null;
    if (!element) {
      return;
    }
    var facet = element.closest("details.facet");
    held = {
      element: element,
      id: element.id,
      top: topOf(element),
      facet: facet,
      facetTop: facet ? topOf(facet) : 0,
    };
    var results = document.getElementById("results");
    if (results) {
      results.style.minHeight = "";
    }
  }

  function holdInPlace() {
    if (!held) {
      return;
    }
    var element = held.element;
    if (!element.isConnected && held.id) {
      element = document.getElementById(held.id); // replaced by the update (the sort)
    }
    var moved;
    if (element && isShown(element)) {
      moved = topOf(element) - held.top;
    } else if (held.facet && isShown(held.facet)) {
      moved = topOf(held.facet) - held.facetTop;
    } else {
      return;
    }
    if (Math.abs(moved) < 1) {
      return;
    }
    var wanted = window.scrollY + moved;
    var room = document.documentElement.scrollHeight - window.innerHeight;
    var results = document.getElementById("results");
    if (wanted > room && results) {
      // Shorter results than before: keep the room, so the page need not scroll the box away.
      results.style.minHeight = Math.ceil(results.offsetHeight + wanted - room) + "px";
    }
    window.scrollTo({ top: wanted, behavior: "instant" });
  }

  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.form.id === FORM_ID) {
      lastChanged = event.target;
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === TARGET_ID) {
      var active = document.activeElement;
      focusedId = active && active.id ? active.id : "";
      var form = document.getElementById(FORM_ID);
      var az = document.getElementById("az-nav");
      azOpen = !!(az && az.open);
      if (form) {
        remember(form);
      }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== TARGET_ID) {
      return;
    }
    var form = document.getElementById(FORM_ID);
    var holder = document.getElementById("facet-counts");
    if (form && holder && holder.dataset.counts) {
      applyCounts(form, JSON.parse(holder.dataset.counts));
      keepFocusVisible(form);
    }
    var az = document.getElementById("az-nav");
    if (az && azOpen) {
      az.open = true;
    }
    holdInPlace();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== TARGET_ID) {
      return;
    }
    var wanted = focusedId && document.getElementById(focusedId);
    if (wanted && document.activeElement !== wanted && !document.activeElement.closest("#" + FORM_ID)) {
      wanted.focus({ preventScroll: true });
    }
    holdInPlace(); // in case settling moved anything; a no-op otherwise
    focusedId = "";
    held = null;
    lastChanged = null;
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

  // Small screens: "Apply filters" folds the facets away and takes the buyer to the results
  // (their count is announced when the update lands). On a wide screen it keeps focus.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#filters-apply");
    var panel = document.getElementById("filters-panel");
    var toggle = panel && panel.querySelector("summary");
    if (!button || !toggle || !isShown(toggle)) {
      return;
    }
    panel.open = false;
    var results = document.getElementById("results");
    if (results) {
      results.focus();
    }
  });

  function setUp() {
    var form = document.getElementById(FORM_ID);
    if (!form) {
      return;
    }
    // The facets' own "Apply" buttons are for pages without JavaScript (see the CSS).
    form.classList.add("filters--live");
    var panel = document.getElementById("filters-panel");
    var wide = window.matchMedia("(min-width: 48em)");
    var styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (panel && wide.matches && !styled) {
      panel.open = true; // no ::details-content: open it the old way on a wide screen
    }
  }

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:historyRestore", setUp);
})();
