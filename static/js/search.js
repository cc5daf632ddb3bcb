/*
 * The search page with htmx: a ticked box, a new sort or a submitted search fetches
 * members/_search_update.html, which replaces the filters (with their new counts) and the results.
 *
 * htmx gives focus back to the element with the same id after a swap. This script makes that
 * hold for a buyer using a keyboard or a screen reader:
 * - the filter groups keep the open or closed state the buyer gave them, so the ticked box can
 *   take focus (the server opens only the cluster group and groups with something ticked);
 * - the ticked box takes focus again (found by its name and value: options carry no ids);
 * - when the focused option has gone (nothing matches it any more), focus moves to its group's
 *   heading, or to the results, instead of being lost;
 * - words typed into the keywords box while the request was on its way are kept.
 * If the request fails, the form is submitted the ordinary way, so the buyer still gets a page.
 */
(function () {
  "use strict";

  var FORM_ID = "company-filters";
  var TARGET_ID = "results-body";
  var saved = null;

  function rememberState(event) {
    var active = document.activeElement;
    var form = document.getElementById(FORM_ID);
    var keywords = document.getElementById("filter-q");
    var formData = event.detail.requestConfig && event.detail.requestConfig.formData;
    var group = active && active.closest ? active.closest("details.facet") : null;
    var open = {};
    if (form) {
      form.querySelectorAll("details.facet[id]").forEach(function (details) {
        open[details.id] = details.open;
      });
    }
    saved = {
      focused: active,
      focusId: active && active.id ? active.id : "",
      // Options have no ids (there are a hundred of them): find a ticked box again by its value.
      option: active && active.type === "checkbox" ? { name: active.name, value: active.value } : null,
      groupId: group ? group.id : "",
      open: open,
      keywords: keywords ? keywords.value : null,
      sentKeywords: formData && formData.has("q") ? formData.get("q") : null,
    };
  }

  function restoreOpenGroups(open) {
    Object.keys(open).forEach(function (id) {
      var details = document.getElementById(id);
      if (details && details.tagName === "DETAILS") {
        details.open = open[id];
      }
    });
  }

  function keepTypedKeywords(state) {
    var keywords = document.getElementById("filter-q");
    if (!keywords || state.keywords === null || state.keywords === state.sentKeywords) {
      return;
    }
    keywords.value = state.keywords;
  }

  function findOption(option) {
    var form = document.getElementById(FORM_ID);
    if (!option || !form) {
      return null;
    }
    var boxes = form.querySelectorAll('input[type="checkbox"]');
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].name === option.name && boxes[i].value === option.value) {
        return boxes[i];
      }
    }
    return null;
  }

  function restoreFocus(state) {
    if (state.focused && document.contains(state.focused)) {
      return; // focus was outside what changed
    }
    var wanted = (state.focusId && document.getElementById(state.focusId)) || findOption(state.option);
    if (wanted && document.activeElement === wanted) {
      return;
    }
    if (!wanted) {
      var group = state.groupId && document.getElementById(state.groupId);
      wanted = group ? group.querySelector("summary") : document.getElementById("results");
    }
    if (wanted) {
      wanted.focus({ preventScroll: true });
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === TARGET_ID) {
      rememberState(event);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // Fired on each swapped element; act once, on the main target.
    if (event.target.id !== TARGET_ID || !saved) {
      return;
    }
    var state = saved;
    saved = null;
    restoreOpenGroups(state.open);
    if (state.focusId === "filter-q") {
      keepTypedKeywords(state);
    }
    restoreFocus(state);
  });

  function fallBackToPlainSubmit(event) {
    var elt = event.detail.elt;
    var form = elt && (elt.id === FORM_ID ? elt : elt.form);
    if (form && form.id === FORM_ID) {
      // HTMLFormElement.submit() fires no submit event, so htmx stays out of the way.
      HTMLFormElement.prototype.submit.call(form);
    }
  }

  document.addEventListener("htmx:responseError", fallBackToPlainSubmit);
  document.addEventListener("htmx:sendError", fallBackToPlainSubmit);
})();
