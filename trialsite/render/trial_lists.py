"""Every trial's listing, kept in list order and grouped by term, updated one trial at a time.

Index pages are planned from this. A build makes it once from every listing; the preview server
keeps it between edits, so an edit costs what it changes, not what the catalogue holds: the
edited trial leaves its old place and terms and takes its new ones, and the update says which
term lists and which titles that touched.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .feeds import FEED_ENTRIES, feed_order
from .finder import status_rank
from .listing import Listing
from .taxonomy import BY_KEY, NOT_STATED_SLUG, TAXONOMIES, Taxonomy, Term, term_sort_key
from .urls import term_route

TermId = tuple[str, str]  # (taxonomy key, term slug)


def list_order(listing: Listing) -> tuple[int, str, str]:
    """The order every list of trials uses: recruiting first, then not yet recruiting, then the
    rest (`finder.status_rank`); by title within each."""
    return (status_rank(listing.status), listing.title.casefold(), listing.slug)


@dataclass
class Change:
    """What an update touched."""

    listed: bool = False  # a list shows something new: a trial came, went, or its row changed
    members: bool = False  # a trial came or went, or a term gained or lost a trial
    terms: set[TermId] = field(default_factory=set)  # term lists whose rows changed
    titles: set[str] = field(default_factory=set)  # case-folded titles that gained or lost a trial


class Rows:
    """Listings in list order, with their digests alongside: a list page's key is a slice of
    them, and a trial moves by bisection (its place worked out from the listings, not kept for
    each of the catalogue's rows in every list)."""

    def __init__(self) -> None:
        self.listings: list[Listing] = []
        self.digests: list[str] = []

    def __len__(self) -> int:
        return len(self.listings)

    def append(self, listing: Listing) -> None:
        """Add a listing that comes after every one already here."""
        self.listings.append(listing)
        self.digests.append(listing.digest)

    def add(self, listing: Listing) -> None:
        index = bisect.bisect(self.listings, list_order(listing), key=list_order)
        self.listings.insert(index, listing)
        self.digests.insert(index, listing.digest)

    def remove(self, listing: Listing) -> None:
        index = bisect.bisect_left(self.listings, list_order(listing), key=list_order)
        del self.listings[index], self.digests[index]


class TrialLists:
    def __init__(self, listings: Iterable[Listing] = ()):
        self.by_slug: dict[str, Listing] = {}
        self.rows = Rows()  # every trial
        self._rows: dict[TermId, Rows] = {}  # each term's trials
        self._spellings: dict[str, dict[str, Counter[str]]] = {taxonomy.key: {} for taxonomy in TAXONOMIES}
        self._titles: dict[str, list[str]] = {}  # lists, not sets: most titles have one trial
        self._terms: dict[str, list[Term]] = {}  # each taxonomy's sorted terms, until one changes
        self._term: dict[TermId, Term] = {}  # each term, until it changes
        self._newest: list[Listing] | None = None  # the feed's entries, until one may change
        for listing in sorted(listings, key=list_order):  # in list order: every row goes at the end
            self._add(listing, Change(), Rows.append)

    @property
    def ordered(self) -> list[Listing]:
        return self.rows.listings

    def update(self, listings: dict[str, Listing | None]) -> Change:
        """Put each trial's new listing in place (None: the trial is gone)."""
        change = Change()
        for slug, listing in sorted(listings.items()):
            old = self.by_slug.get(slug)
            if old is not None and listing is not None and old.digest == listing.digest:
                continue
            change.listed = True
            if old is not None:
                self._remove(old, change)
            if listing is not None:
                self._add(listing, change, Rows.add)
            change.members |= old is None or listing is None or old.term_names != listing.term_names
        return change

    def _add(self, listing: Listing, change: Change, place: Callable[[Rows, Listing], None]) -> None:
        self.by_slug[listing.slug] = listing
        place(self.rows, listing)
        newest = self._newest
        if newest is not None and (len(newest) < FEED_ENTRIES or feed_order(listing) > feed_order(newest[-1])):
            self._newest = None
        self._titles.setdefault(listing.title.casefold(), []).append(listing.slug)
        change.titles.add(listing.title.casefold())
        for key, slug, names in _terms_of(listing):
            self._spellings[key].setdefault(slug, Counter()).update(names)
            rows = self._rows.get((key, slug))
            if rows is None:
                rows = self._rows[(key, slug)] = Rows()
            place(rows, listing)
            self._touch(key, slug, change)

    def _remove(self, listing: Listing, change: Change) -> None:
        del self.by_slug[listing.slug]
        self.rows.remove(listing)
        if self._newest is not None and listing in self._newest:
            self._newest = None
        title = listing.title.casefold()
        self._titles[title].remove(listing.slug)
        if not self._titles[title]:
            del self._titles[title]
        change.titles.add(title)
        for key, slug, names in _terms_of(listing):
            self._rows[(key, slug)].remove(listing)
            if self._rows[(key, slug)]:
                self._spellings[key][slug].subtract(names)
                self._spellings[key][slug] = +self._spellings[key][slug]  # drops spellings at zero
            else:
                del self._rows[(key, slug)], self._spellings[key][slug]
            self._touch(key, slug, change)

    def _touch(self, key: str, slug: str, change: Change) -> None:
        change.terms.add((key, slug))
        self._terms.pop(key, None)
        self._term.pop((key, slug), None)

    def title_shared(self, slug: str) -> bool:
        """Whether another trial has the same title (ignoring case): then the page's <title>
        also names the file, so that every page's title is its own."""
        return len(self._titles[self.by_slug[slug].title.casefold()]) > 1

    def slugs_titled(self, title: str) -> list[str]:
        return self._titles.get(title, [])

    def terms(self, taxonomy: Taxonomy) -> list[Term]:
        """Every term the trials use, in the taxonomy's order, with how many trials have it."""
        if taxonomy.key not in self._terms:
            terms = (self._term_of(taxonomy.key, slug) for slug in self._spellings[taxonomy.key])
            self._terms[taxonomy.key] = sorted(terms, key=lambda term: term_sort_key(taxonomy, term.name))
        return self._terms[taxonomy.key]

    def _term_of(self, key: str, slug: str) -> Term:
        term = self._term.get((key, slug))
        if term is None:
            name = _usual_spelling(self._spellings[key][slug])
            term = Term(name, slug, term_route(key, slug), len(self._rows[(key, slug)]))
            self._term[(key, slug)] = term
        return term

    def members(self, taxonomy: Taxonomy, term: Term) -> Rows:
        """The term's trials, in list order."""
        return self._rows[(taxonomy.key, term.slug)]

    def newest(self) -> list[Listing]:
        """The feed's entries: the FEED_ENTRIES trials with the newest dates, newest first."""
        if self._newest is None:
            self._newest = heapq.nlargest(FEED_ENTRIES, self.by_slug.values(), key=feed_order)
        return self._newest


def _terms_of(listing: Listing) -> Iterable[tuple[str, str, list[str]]]:
    """(taxonomy key, term slug, the names written for it) of every term the listing has;
    names filed under one slug are one term. A trial with none in a taxonomy is under
    "Not stated" there."""
    for key, terms in listing.term_names:
        by_slug: dict[str, list[str]] = {}
        for name, slug in terms or ((BY_KEY[key].not_stated, NOT_STATED_SLUG),):
            by_slug.setdefault(slug, []).append(name)
        for slug, written in by_slug.items():
            yield key, slug, written


def _usual_spelling(counts: Counter[str]) -> str:
    return min(counts, key=lambda name: (-counts[name], name))
