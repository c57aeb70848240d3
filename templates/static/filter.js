/* Filters the home page's trial table in place. Without JavaScript the same links lead to the
   phase, status and drug index pages, so nothing here is needed to find a trial.
   A filter link carries data-filter (a taxonomy, e.g. "phases") and data-value (a term slug);
   each table row lists its term slugs, space-separated, in data-phases, data-statuses, ... */
(function () {
  "use strict";

  var table = document.getElementById("catalogue");
  if (!table) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-filter]"));
  var status = document.getElementById("filter-status");
  var clearButton = document.getElementById("filter-clear");
  var emptyNote = document.getElementById("filter-empty");
  var active = {}; // taxonomy -> chosen term slug; one term per taxonomy, all must match

  function rowMatches(row) {
    return Object.keys(active).every(function (key) {
      var tokens = (row.getAttribute("data-" + key) || "").split(" ");
      return tokens.indexOf(active[key]) !== -1;
    });
  }

  function render() {
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = !rowMatches(row);
      shown += row.hidden ? 0 : 1;
    });
    links.forEach(function (link) {
      if (active[link.dataset.filter] === link.dataset.value) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var filtering = Object.keys(active).length > 0;
    var noun = rows.length === 1 ? " trial" : " trials";
    status.textContent = filtering
      ? "Showing " + shown + " of " + rows.length + noun
      : "Showing all " + rows.length + noun;
    clearButton.hidden = !filtering;
    emptyNote.hidden = shown > 0;
  }

  // Keep the choice in the address, so it survives a reload and can be shared.
  function remember() {
    var query = new URLSearchParams(active).toString();
    try {
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    } catch (error) {
      // Some browsers refuse this for file:// pages; filtering still works.
    }
  }

  function restore() {
    new URLSearchParams(location.search).forEach(function (value, key) {
      var known = links.some(function (link) {
        return link.dataset.filter === key && link.dataset.value === value;
      });
      if (known) {
        active[key] = value;
      }
    });
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return; // let "open in new tab" and friends go to the index page
      }
      event.preventDefault();
      var key = link.dataset.filter;
      if (active[key] === link.dataset.value) {
        delete active[key];
      } else {
        active[key] = link.dataset.value;
      }
      render();
      remember();
    });
  });

  clearButton.addEventListener("click", function () {
    active = {};
    render();
    remember();
    links[0].focus(); // the button just hid itself; keep focus near where it was
  });

  restore();
  render();
}());
