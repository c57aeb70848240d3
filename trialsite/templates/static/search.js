/* The search page: Pagefind's default UI over the index the build wrote into pagefind/.
   The page's markup says where the index is (data-bundle, through the site's URL helper, so it
   works under a sub-path), and where the other shards of the index are (data-merge): Pagefind
   merges them into one search, filter counts added up. The query is kept in the address
   (?q=...): the header's search box, a plain GET form, lands here with its results, and a
   search can be shared or bookmarked.
   Without JavaScript, or if the index cannot load, the page's own links to the indexes stay. */
(function () {
  "use strict";

  var container = document.getElementById("search");
  if (!container || typeof window.PagefindUI !== "function") {
    return;
  }
  var merged = (container.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  var ui = new window.PagefindUI({
    element: container,
    bundlePath: container.getAttribute("data-bundle"),
    mergeIndex: merged.map(function (path) { return { bundlePath: path }; }),
    baseUrl: container.getAttribute("data-base"),
    showImages: false,
    showSubResults: false,
    excerptLength: 24,
    pageSize: 10,
    translations: { placeholder: "Search trials: a drug, a condition, a criterion…" }
  });
  document.getElementById("search-fallback").hidden = true;

  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }

  var input = container.querySelector("input");
  if (!input) {
    return;
  }
  // Pagefind labels its box with a title only; the page's heading is its visible label.
  input.setAttribute("aria-labelledby", "search-heading");
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var term = input.value.trim();
      try {
        history.replaceState(null, "", term ? "?q=" + encodeURIComponent(term) : location.pathname);
      } catch (error) {
        // file:// pages may refuse; searching still works.
      }
    }, 300);
  });
}());
