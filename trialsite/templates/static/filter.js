/* The home page's filters: status AND country AND phase AND drug, and "can I take part" (an age,
   a sex, recruiting only), across the whole catalogue, in list order or by last update.
   Without JavaScript every chip is a plain link to its index page, so nothing here is needed to
   find a trial. With it, a chip toggles a filter (one term per taxonomy; all must match):
   - the list is paginated, so the script fetches catalogue.json (every trial's row facts, links
     made by the build) once and renders the matching rows itself, 100 at a time;
   - each chip shows how many trials it would match given the other active filters;
   - the choice is kept in the address (?phase=phase-2&status=recruiting&drug=s-1&age=67&sex=female),
     so a filtered view survives a reload, can be shared and bookmarked, and Back undoes a filter;
   - a trial matches an age when its stated range includes it, compared in days by the table of
     units catalogue.json gives (so "6 Months" and "26 Weeks" compare with years), and a sex when
     it takes All or that sex. A trial that states no age (or sex) is never dropped nor silently
     matched: it stays in the list, marked "age not stated".
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
  var form = document.getElementById("finder");
  var ageBox = document.getElementById("finder-age");
  var unitBox = document.getElementById("finder-unit");
  var sexBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="sex"]'));
  var recruitingBox = document.getElementById("finder-recruiting");
  var sortBox = document.getElementById("finder-sort");
  var person = { age: "", unit: "years", sex: "", recruiting: false, sort: "" }; // as the form says
  var formEntry = false; // the current history entry was made by the form: its edits replace it
  var RECRUITING = "recruiting"; // the status slug "recruiting only" keeps
  var UNIT_DAYS = { years: 365.25, months: 365.25 / 12, weeks: 7, days: 1 }; // until catalogue.json says
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
    UNIT_DAYS = data.units;
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

  function personFilters() {
    return person.age !== "" || person.sex !== "" || person.recruiting;
  }

  // "yes", "no", or "unstated" (the trial does not say, so it stays, marked) for one of the person's
  // facts: "age" or "sex".
  function fits(trial, fact) {
    if (fact === "age") {
      if (person.age === "") {
        return "yes";
      }
      var days = Number(person.age) * UNIT_DAYS[person.unit];
      var low = trial.age[0];
      var high = trial.age[1];
      if (low === null && high === null) {
        return "unstated";
      }
      return (low === null || low <= days) && (high === null || days <= high) ? "yes" : "no";
    }
    if (person.sex === "") {
      return "yes";
    }
    if (!trial.sex) {
      return "unstated";
    }
    return trial.sex === "All" || trial.sex === person.sex ? "yes" : "no";
  }

  // Whether the trial passes every filter but `except` (a taxonomy, "sex" or "recruiting"): the
  // count beside a choice is what it would match given all the others.
  function matches(trial, except) {
    return keys.every(function (key) {
      return key === except || !active[key] || trial.tokens[key].indexOf(active[key]) !== -1;
    }) && (except === "recruiting" || !person.recruiting || trial.tokens.statuses.indexOf(RECRUITING) !== -1) &&
      fits(trial, "age") !== "no" && (except === "sex" || fits(trial, "sex") !== "no");
  }

  // What the trial leaves unsaid among the facts asked for: ["age", "sex"], or fewer.
  function unstated(trial) {
    return ["age", "sex"].filter(function (fact) { return fits(trial, fact) === "unstated"; });
  }

  // ------------------------------------------------------------------ rows, as trial_row.html (labels on a phone: site.css)

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

  function stated(parent, value) {
    parent.appendChild(value ? document.createTextNode(value) : notStated());
  }

  function row(trial) {
    var tr = element("tr");
    var head = element("th");
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
    if (trial.places) {
      var dot2 = element("span", "", " · ");
      dot2.setAttribute("aria-hidden", "true");
      eligibility.appendChild(dot2);
      eligibility.appendChild(document.createTextNode("Sites: " + trial.places));
    }
    head.appendChild(eligibility);
    mark(head, unstated(trial));
    tr.appendChild(head);

    var phase = element("td");
    termLinks(phase, "phases", trial.phases);
    var state = element("td");
    if (trial.statuses.length) {
      var term = catalogue.terms.statuses[trial.statuses[0]];
      var badge = element("a", "badge status-" + term[0], term[1]);
      badge.href = term[2];
      state.appendChild(badge);
    } else {
      state.appendChild(notStated());
    }
    var drugs = element("td");
    termLinks(drugs, "drugs", trial.drugs);
    var conditions = element("td");
    termLinks(conditions, "conditions", trial.conditions);
    [phase, state, drugs, conditions].forEach(function (node) { tr.appendChild(node); });
    return tr;
  }

  // A note on a row whose trial does not state what the reader asked about: it is kept, not matched.
  function mark(head, facts) {
    var old = head.querySelector(".unstated-note");
    if (old) {
      head.removeChild(old);
    }
    if (facts.length) {
      head.appendChild(element("span", "unstated-note", facts.join(" and ") + " not stated: check with the trial"));
    }
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
    var filtering = keys.some(function (key) { return active[key]; }) || personFilters() || person.sort !== "";
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
      serverRows.forEach(function (tr) { mark(tr.cells[0], []); });
      links.forEach(function (link, index) { setCount(link, serverCounts[index]); });
      choiceCounts(catalogue && catalogue.trials);
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

  function byLastUpdate(a, b) {
    // Newest first; a trial whose source states no update date goes last. Ties keep list order.
    return (b.trial.updated || "").localeCompare(a.trial.updated || "") || a.index - b.index;
  }

  function sorted(trials) {
    if (person.sort !== "updated") {
      return trials;
    }
    return trials.map(function (trial, index) { return { trial: trial, index: index }; })
      .sort(byLastUpdate).map(function (item) { return item.trial; });
  }

  function renderCatalogue() {
    var found = sorted(catalogue.trials.filter(function (trial) { return matches(trial, null); }));
    var shown = Math.min(found.length, limit);
    showRows(found.slice(0, shown).map(row));
    var total = catalogue.trials.length;
    var kept = found.filter(function (trial) { return unstated(trial).length; }).length;
    status.textContent = found.length === 0
      ? "No trial matches these filters (of " + total + plural(total) + ")"
      : found.length + " of " + total + plural(total) + " match" +
        (kept ? " (" + kept + (kept === 1 ? " does" : " of them do") + " not state the age or sex asked for)" : "") +
        (person.sort === "updated" ? ", last updated first" : "") +
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
    choiceCounts(catalogue.trials);
  }

  // The count beside each sex and beside "recruiting only": what choosing it would match. Before
  // the catalogue is loaded (`trials` null) there is nothing to count across pages: left blank.
  function choiceCounts(trials) {
    sexBoxes.concat([recruitingBox]).forEach(function (box) {
      var count = box.parentNode.querySelector(".count");
      if (!trials) {
        count.textContent = "";
        return;
      }
      var saved = box === recruitingBox ? person.recruiting : person.sex;
      if (box === recruitingBox) {
        person.recruiting = true;
      } else {
        person.sex = box.value;
      }
      var n = trials.filter(function (trial) { return matches(trial, null); }).length;
      if (box === recruitingBox) {
        person.recruiting = saved;
      } else {
        person.sex = saved;
      }
      count.textContent = " (" + n + plural(n) + ")";
    });
  }

  // A server row's facts, as catalogue.json gives a trial's: its data- attributes.
  function factsOfRow(tr) {
    var tokens = {};
    keys.concat(["statuses"]).forEach(function (key) {
      tokens[key] = (tr.getAttribute("data-" + key) || "").split(" ");
    });
    var age = (tr.getAttribute("data-age") || " ").split(" ").map(function (n) { return n === "" ? null : Number(n); });
    return { tokens: tokens, age: age, sex: tr.getAttribute("data-sex") || null };
  }

  // Without the catalogue: this page's rows only, in the order they came.
  function renderThisPage() {
    var shown = 0;
    serverRows.forEach(function (tr) {
      var facts = factsOfRow(tr);
      tr.hidden = !matches(facts, null);
      mark(tr.cells[0], tr.hidden ? [] : unstated(facts));
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
    var age = query.get("age") || "";
    var unit = query.get("unit") || "years";
    var sex = { female: "Female", male: "Male" }[query.get("sex")] || "";
    person = {
      age: /^\d{1,3}$/.test(age) ? age : "",
      unit: UNIT_DAYS.hasOwnProperty(unit) ? unit : "years",
      sex: sex,
      recruiting: query.get("recruiting") === "1",
      sort: query.get("sort") === "updated" ? "updated" : ""
    };
    toForm();
    limit = PAGE;
  }

  function toForm() {
    ageBox.value = person.age;
    unitBox.value = person.unit;
    sexBoxes.forEach(function (box) { box.checked = box.value === person.sex; });
    recruitingBox.checked = person.recruiting;
    sortBox.value = person.sort;
  }

  function fromForm() {
    var age = ageBox.value.trim();
    var checked = sexBoxes.filter(function (box) { return box.checked; })[0];
    person = {
      age: /^\d{1,3}$/.test(age) ? String(Number(age)) : "",
      unit: unitBox.value,
      sex: checked ? checked.value : "",
      recruiting: recruitingBox.checked,
      sort: sortBox.value
    };
    ageBox.setAttribute("aria-invalid", age !== "" && person.age === "" ? "true" : "false");
  }

  function toAddress(replace) {
    var query = new URLSearchParams();
    keys.forEach(function (key) {
      if (active[key]) {
        query.set(params[key], active[key]);
      }
    });
    if (person.age !== "") {
      query.set("age", person.age);
      if (person.unit !== "years") {
        query.set("unit", person.unit);
      }
    }
    if (person.sex !== "") {
      query.set("sex", person.sex.toLowerCase());
    }
    if (person.recruiting) {
      query.set("recruiting", "1");
    }
    if (person.sort !== "") {
      query.set("sort", person.sort);
    }
    var search = query.toString();
    try {
      history[replace ? "replaceState" : "pushState"](null, "", search ? "?" + search : location.pathname);
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
      toAddress(false);
      formEntry = false;
      render();
    });
  });

  // The form's choices apply as they are made; typing an age re-filters on every keystroke, and a
  // filter over 10,000 trials takes well under 100 ms.
  function onForm() {
    fromForm();
    limit = PAGE;
    toAddress(formEntry); // one Back step undoes a run of edits to the form, not each keystroke
    formEntry = true;
    render();
  }

  form.addEventListener("input", onForm);
  form.addEventListener("submit", function (event) {
    event.preventDefault(); // Enter in the age box: the list is already up to date
  });
  form.hidden = false;

  clearButton.addEventListener("click", function () {
    active = {};
    person = { age: "", unit: person.unit, sex: "", recruiting: false, sort: "" };
    toForm();
    limit = PAGE;
    toAddress(false);
    formEntry = false;
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
    formEntry = false;
    fromAddress();
    render();
  });

  fromAddress();
  render();
}());
