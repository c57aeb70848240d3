/* The home page's filters: phase AND status AND drug, across the whole catalogue.
   Without JavaScript every chip is a plain link to its index page, so nothing here is needed to
   find a trial. With it, a chip toggles a filter (one term per taxonomy; all must match):
   - the list is paginated, so the script fetches catalogue.json (every trial's row facts, links
     made by the build) once and renders the matching rows itself, 100 at a time;
   - each chip shows how many trials it would match given the other active filters;
   - the choice is kept in the address (?phase=phase-2&status=recruiting&drug=s-1), so a filtered
     view survives a reload, can be shared and bookmarked, and Back undoes a filter.
   Text from the data is only ever set with textContent, never parsed as HTML.
   If the catalogue cannot be fetched (a page opened from disk), the rows of this page are
   filtered in place instead. */
(function () {
  "use strict";

  var table = document.getElementById("catalogue");
  var nav = document.querySelector("nav.filters[data-catalogue]");
  if (!table || !nav) {
    return;
  }
  var PAGE = 100;
  var body = table.tBodies[0];
  var serverRows = Array.prototype.slice.call(body.rows);
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-filter]"));
  var status = document.getElementById("filter-status");
  var clearButton = document.getElementById("filter-clear");
  var emptyNote = document.getElementById("filter-empty");
  var moreButton = document.getElementById("filter-more");
  var pager = document.querySelector(".results .pager");
  var serverStatus = status.textContent;
  var serverCounts = links.map(function (link) {
    return parseInt(link.querySelector(".count").textContent.replace(/\D+/g, ""), 10) || 0;
  });

  var keys = []; // taxonomies with chips, in page order: "phases", "statuses", "drugs"
  var params = {}; // taxonomy -> its name in the address: "phases" -> "phase"
  links.forEach(function (link) {
    var key = link.getAttribute("data-filter");
    if (keys.indexOf(key) === -1) {
      keys.push(key);
      params[key] = link.parentNode.parentNode.getAttribute("data-param") || key;
    }
  });

  var active = {}; // taxonomy -> chosen term slug
  var limit = PAGE; // matching rows shown
  var catalogue = null;
  var loading = null;
  var unavailable = false;

  // ------------------------------------------------------------------ the catalogue

  function load() {
    if (!loading) {
      loading = fetch(nav.getAttribute("data-catalogue"))
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          catalogue = prepare(data);
        })
        .catch(function () {
          unavailable = true;
        });
    }
    return loading;
  }

  function prepare(data) {
    var notStated = data.not_stated.slug;
    data.trials.forEach(function (trial) {
      trial.tokens = {};
      keys.forEach(function (key) {
        var refs = trial[key] || [];
        trial.tokens[key] = refs.length
          ? refs.map(function (ref) { return data.terms[key][ref][0]; })
          : [notStated];
      });
    });
    return data;
  }

  function matches(trial, except) {
    return keys.every(function (key) {
      return key === except || !active[key] || trial.tokens[key].indexOf(active[key]) !== -1;
    });
  }

  // ------------------------------------------------------------------ rows, as trial_row.html

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function notStated() {
    return element("span", "not-stated", catalogue.not_stated.name);
  }

  function termLinks(cell, key, refs) {
    if (!refs.length) {
      cell.appendChild(notStated());
    }
    refs.forEach(function (ref, index) {
      var term = catalogue.terms[key][ref];
      var link = element("a", "", term[1]);
      link.href = term[2];
      if (index > 0) {
        cell.appendChild(document.createTextNode(", "));
      }
      cell.appendChild(link);
    });
  }

  function cell(tag, label) {
    var node = element(tag);
    node.setAttribute("data-label", label);
    return node;
  }

  function stated(parent, value) {
    parent.appendChild(value ? document.createTextNode(value) : notStated());
  }

  function row(trial) {
    var tr = element("tr");
    var head = cell("th", "Trial");
    head.setAttribute("scope", "row");
    var title = element("a", "trial-link", trial.title);
    title.href = trial.url;
    head.appendChild(title);
    if (trial.nct_id) {
      head.appendChild(element("span", "registry-id", trial.nct_id));
    }
    var eligibility = element("span", "row-eligibility", "Ages: ");
    stated(eligibility, trial.ages);
    var dot = element("span", "", " · ");
    dot.setAttribute("aria-hidden", "true");
    eligibility.appendChild(dot);
    eligibility.appendChild(document.createTextNode("Sex: "));
    stated(eligibility, trial.sex);
    head.appendChild(eligibility);
    tr.appendChild(head);

    var phase = cell("td", "Phase");
    termLinks(phase, "phases", trial.phases);
    var state = cell("td", "Status");
    if (trial.statuses.length) {
      var term = catalogue.terms.statuses[trial.statuses[0]];
      var badge = element("a", "badge status-" + term[0], term[1]);
      badge.href = term[2];
      state.appendChild(badge);
    } else {
      state.appendChild(notStated());
    }
    var drugs = cell("td", "Drugs");
    termLinks(drugs, "drugs", trial.drugs);
    var conditions = cell("td", "Conditions");
    termLinks(conditions, "conditions", trial.conditions);
    [phase, state, drugs, conditions].forEach(function (node) { tr.appendChild(node); });
    return tr;
  }

  // ------------------------------------------------------------------ showing

  function plural(n) {
    return n === 1 ? " trial" : " trials";
  }

  function setCount(link, n) {
    var count = link.querySelector(".count");
    count.textContent = "";
    count.appendChild(element("span", "visually-hidden", "("));
    count.appendChild(document.createTextNode(String(n)));
    count.appendChild(element("span", "visually-hidden", plural(n) + ")"));
    link.classList.toggle("no-match", n === 0);
  }

  function showRows(rows) {
    body.textContent = "";
    rows.forEach(function (tr) { body.appendChild(tr); });
  }

  function render() {
    var filtering = keys.some(function (key) { return active[key]; });
    links.forEach(function (link) {
      if (active[link.getAttribute("data-filter")] === link.getAttribute("data-value")) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    clearButton.hidden = !filtering;
    if (!filtering) {
      if (body.rows.length !== serverRows.length || body.rows[0] !== serverRows[0]) {
        showRows(serverRows);
      }
      serverRows.forEach(function (tr) { tr.hidden = false; });
      links.forEach(function (link, index) { setCount(link, serverCounts[index]); });
      status.textContent = serverStatus;
      emptyNote.hidden = true;
      moreButton.hidden = true;
      if (pager) {
        pager.hidden = false;
      }
      return;
    }
    if (catalogue) {
      renderCatalogue();
    } else if (unavailable) {
      renderThisPage();
    } else {
      status.textContent = "Filtering the catalogue…";
      table.setAttribute("aria-busy", "true");
      load().then(function () {
        table.removeAttribute("aria-busy");
        render();
      });
    }
  }

  function renderCatalogue() {
    var found = catalogue.trials.filter(function (trial) { return matches(trial, null); });
    var shown = Math.min(found.length, limit);
    showRows(found.slice(0, shown).map(row));
    var total = catalogue.trials.length;
    status.textContent = found.length === 0
      ? "No trial matches these filters (of " + total + plural(total) + ")"
      : found.length + " of " + total + plural(total) + " match" +
        (shown < found.length ? ", showing the first " + shown : "");
    emptyNote.hidden = found.length > 0;
    moreButton.hidden = shown >= found.length;
    if (pager) {
      pager.hidden = true;
    }
    // Each chip: the trials it would match, given the filters of the other taxonomies.
    var counts = {};
    keys.forEach(function (key) {
      counts[key] = {};
      catalogue.trials.forEach(function (trial) {
        if (matches(trial, key)) {
          trial.tokens[key].forEach(function (token) {
            counts[key][token] = (counts[key][token] || 0) + 1;
          });
        }
      });
    });
    links.forEach(function (link) {
      setCount(link, counts[link.getAttribute("data-filter")][link.getAttribute("data-value")] || 0);
    });
  }

  // Without the catalogue: this page's rows only (each lists its term slugs in data- attributes).
  function renderThisPage() {
    var shown = 0;
    serverRows.forEach(function (tr) {
      tr.hidden = !keys.every(function (key) {
        var tokens = (tr.getAttribute("data-" + key) || "").split(" ");
        return !active[key] || tokens.indexOf(active[key]) !== -1;
      });
      shown += tr.hidden ? 0 : 1;
    });
    status.textContent = "Showing " + shown + " of the " + serverRows.length + plural(serverRows.length) + " on this page";
    emptyNote.hidden = shown > 0;
    moreButton.hidden = true;
  }

  // ------------------------------------------------------------------ the address

  function fromAddress() {
    active = {};
    var query = new URLSearchParams(location.search);
    keys.forEach(function (key) {
      var value = query.get(params[key]) || query.get(key);
      if (value && /^[a-z0-9-]+$/.test(value)) {
        active[key] = value;
      }
    });
    limit = PAGE;
  }

  function toAddress() {
    var query = new URLSearchParams();
    keys.forEach(function (key) {
      if (active[key]) {
        query.set(params[key], active[key]);
      }
    });
    var search = query.toString();
    try {
      history.pushState(null, "", search ? "?" + search : location.pathname);
    } catch (error) {
      // Some browsers refuse this for pages opened from disk; filtering still works.
    }
  }

  // ------------------------------------------------------------------ events

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return; // let "open in new tab" and friends go to the index page
      }
      event.preventDefault();
      var key = link.getAttribute("data-filter");
      var value = link.getAttribute("data-value");
      if (active[key] === value) {
        delete active[key];
      } else {
        active[key] = value;
      }
      limit = PAGE;
      toAddress();
      render();
    });
  });

  clearButton.addEventListener("click", function () {
    active = {};
    limit = PAGE;
    toAddress();
    render();
    links[0].focus(); // the button just hid itself; keep focus near where it was
  });

  moreButton.addEventListener("click", function () {
    var first = limit;
    limit += PAGE;
    render();
    var next = body.rows[first] && body.rows[first].querySelector("a");
    if (next) {
      next.focus(); // keyboard users carry on from the first new row
    }
  });

  window.addEventListener("popstate", function () {
    fromAddress();
    render();
  });

  fromAddress();
  render();
}());
