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
from collections.abc import Iterator, Sequence
from typing import Any

from ..fsutil import key_of
from .finder import DAYS_PER_UNIT
from .listing import Listing
from .taxonomy import NOT_STATED, NOT_STATED_SLUG, TAXONOMIES
from .urls import Urls, term_route

CATALOGUE_ROUTE = "catalogue.json"
FORMAT = 2  # bump when the file's shape changes
TRIALS_A_CHUNK = 500


def catalogue_key(listings: Sequence[Listing], urls: Urls) -> str:
    """Changes exactly when anything the file holds changes (a listing's digest covers its row)."""
    return key_of(CATALOGUE_ROUTE, FORMAT, urls.path(""), [listing.digest for listing in listings])


def catalogue_json(listings: Sequence[Listing], urls: Urls) -> Iterator[bytes]:
    """The catalogue as JSON, in chunks: its terms first, found in one pass over the listings,
    then its trials a few at a time, so that the file (and its data) is never whole in memory.
    `listings` in list order (`TrialLists.ordered`)."""
    positions: dict[str, dict[str, int]] = {taxonomy.key: {} for taxonomy in TAXONOMIES}
    terms: dict[str, list[list[str]]] = {taxonomy.key: [] for taxonomy in TAXONOMIES}
    for listing in listings:
        for key, named in listing.term_names:
            for name, slug in named:
                if name not in positions[key]:
                    positions[key][name] = len(terms[key])
                    terms[key].append([slug, name, urls.path(term_route(key, slug))])
    head = {
        "format": FORMAT,
        "not_stated": {"slug": NOT_STATED_SLUG, "name": NOT_STATED},
        "units": {unit.lower(): days for unit, days in DAYS_PER_UNIT.items()},
        "terms": terms,
    }
    yield _json(head)[:-1] + b',"trials":['
    for start in range(0, len(listings), TRIALS_A_CHUNK):
        trials = [_trial(listing, positions, urls) for listing in listings[start : start + TRIALS_A_CHUNK]]
        yield (b"," if start else b"") + _json(trials)[1:-1]
    yield b"]}"


def _trial(listing: Listing, positions: dict[str, dict[str, int]], urls: Urls) -> dict[str, Any]:
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
        trial[key] = [positions[key][name] for name, _ in named]
    return trial


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
