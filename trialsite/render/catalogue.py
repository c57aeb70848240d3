"""catalogue.json: what the home page's filter script needs to filter the whole catalogue.

The home list is paginated (PAGE_SIZE rows a page), so filters that only hid the rows of the page
on screen would miss most matches. With a filter on, `static/filter.js` fetches this file once and
renders the matching rows itself, the same row as `partials/trial_row.html`. It stays compact:
each taxonomy's terms (slug, name as written, link) are listed once, and a trial refers to them
by position. Every link is made here, by the URL helper, so the script never builds a URL.

For "can I take part" a trial carries its stated age range in days ("age": [min, max], null where
not stated) and its sex; "units" gives each age unit in days, so the script converts the age a
reader types by the same table. "updated" is the date the source says the record was last updated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..fsutil import key_of
from .finder import DAYS_PER_UNIT
from .listing import Listing
from .taxonomy import NOT_STATED, NOT_STATED_SLUG, TAXONOMIES
from .urls import Urls, term_route

CATALOGUE_ROUTE = "catalogue.json"
FORMAT = 2  # bump when the file's shape changes


def catalogue_key(listings: Sequence[Listing], urls: Urls) -> str:
    """Changes exactly when anything the file holds changes (a listing's digest covers its row)."""
    return key_of(CATALOGUE_ROUTE, FORMAT, urls.path(""), [listing.digest for listing in listings])


def catalogue(listings: Sequence[Listing], urls: Urls) -> dict[str, Any]:
    """The catalogue as data. `listings` in list order (`TrialLists.ordered`)."""
    positions: dict[str, dict[str, int]] = {taxonomy.key: {} for taxonomy in TAXONOMIES}
    terms: dict[str, list[list[str]]] = {taxonomy.key: [] for taxonomy in TAXONOMIES}
    trials = []
    for listing in listings:
        trial: dict[str, Any] = {
            "slug": listing.slug,
            "title": listing.title,
            "nct_id": listing.nct_id,
            "url": urls.path(listing.route),
            "sex": listing.sex,
            "ages": listing.ages,
            "age": list(listing.age_days),
            "updated": listing.updated,
            "places": listing.places,
        }
        for key, named in listing.term_names:
            refs = []
            for name, slug in named:
                if name not in positions[key]:
                    positions[key][name] = len(terms[key])
                    terms[key].append([slug, name, urls.path(term_route(key, slug))])
                refs.append(positions[key][name])
            trial[key] = refs
        trials.append(trial)
    return {
        "format": FORMAT,
        "not_stated": {"slug": NOT_STATED_SLUG, "name": NOT_STATED},
        "units": {unit.lower(): days for unit, days in DAYS_PER_UNIT.items()},
        "terms": terms,
        "trials": trials,
    }


def catalogue_json(listings: Sequence[Listing], urls: Urls) -> bytes:
    data = catalogue(listings, urls)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
