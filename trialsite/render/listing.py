"""A trial as lists show it (home, index pages, feed, sitemap): small enough that a catalogue of
50,000 fits in memory while the full records are rendered one at a time and let go.

A build holds every listing at once, and each forked worker counts the parent's memory again, so
a listing is kept lean: slots rather than a dict, its terms shared with every other listing that
has them (`__setstate__`: listings arrive as pickles, from the workers and the build state), and
what is worked out from its terms made when asked rather than kept.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from typing import Any

from markupsafe import Markup

from ..fsutil import digest as digest_of
from ..model import Site, Trial
from . import markdown
from .finder import age_in_days, last_update
from .taxonomy import NOT_STATED_SLUG, TAXONOMIES, slugged_terms
from .urls import term_route, trial_route

FEED_SUMMARY_LENGTH = 300


@dataclass(frozen=True)
class Link:
    name: str
    route: str


TermNames = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


@dataclass(frozen=True, slots=True)
class Listing:
    slug: str
    title: str
    nct_id: str | None
    status: str | None
    sex: str | None
    ages: str | None
    age_days: tuple[float | None, float | None]  # the stated minimum and maximum age, in days
    # (taxonomy key, ((term name, slug), ...)), in TAXONOMIES order
    term_names: TermNames
    latest_date: str | None  # newest valid stated date, ISO
    updated: str | None  # when the source says its record was last updated, ISO as stated
    places: str | None  # where the trial runs, in a few words: 'Paris, France', '105 sites: Spain, France'
    blurb: str | None  # the summary as plain text, shortened: for the feed
    row_html: str = ""  # the trial's row in every list, rendered once (see Renderer.trial)
    # Changes exactly when anything a list shows of this trial changes.
    digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", digest_of(repr(self).encode("utf-8")))

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, each.name) for each in fields(self))

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for each, value in zip(fields(self), state, strict=True):
            object.__setattr__(self, each.name, value)
        object.__setattr__(self, "term_names", _shared_terms(self.term_names))
        for name in ("status", "sex"):  # a few values, written by every listing
            if (stated := getattr(self, name)) is not None:
                object.__setattr__(self, name, sys.intern(stated))

    @property
    def row(self) -> Markup:
        return Markup(self.row_html)

    @property
    def route(self) -> str:
        return trial_route(self.slug)

    @property
    def terms(self) -> dict[str, tuple[Link, ...]]:
        """Taxonomy key -> the trial's terms, linked."""
        return _linked(self.term_names)

    @property
    def filter_tokens(self) -> dict[str, str]:
        """Taxonomy key -> space-separated term slugs, for the filter script."""
        return _tokens(self.term_names)

    @property
    def age_token(self) -> str:
        """The age range in days as the filter script reads a row's: "6574.5 " (no maximum)."""
        return " ".join("" if days is None else repr(days) for days in self.age_days)



# A trial's page and row ask for its terms a dozen times, one trial after another; a list of
# 50,000 trials asks each once. The last few are kept, not every listing's.
@lru_cache(maxsize=16)
def _linked(term_names: TermNames) -> dict[str, tuple[Link, ...]]:
    return {key: tuple(Link(name, term_route(key, slug)) for name, slug in terms) for key, terms in term_names}


@lru_cache(maxsize=16)
def _tokens(term_names: TermNames) -> dict[str, str]:
    not_stated = (NOT_STATED_SLUG,)
    return {key: " ".join(dict.fromkeys([slug for _, slug in terms] or not_stated)) for key, terms in term_names}


def _shared_terms(term_names: TermNames) -> TermNames:
    return tuple((sys.intern(key), tuple(map(_shared_term, terms))) for key, terms in term_names)


@cache
def _shared_term(term: tuple[str, str]) -> tuple[str, str]:
    """The first (name, slug) equal to `term`: one per term of the catalogue, however many
    listings name it."""
    return term


def listing_of(slug: str, trial: Trial, plain_summary: str | None) -> Listing:
    days = sorted(date.date for date in trial.dates if _is_real_day(date.date))
    return Listing(
        slug=slug,
        title=trial.title,
        nct_id=trial.nct_id,
        status=trial.status,
        sex=trial.sex,
        ages=age_range(trial.min_age, trial.max_age),
        age_days=(age_in_days(trial.min_age), age_in_days(trial.max_age)),
        term_names=tuple((tax.key, slugged_terms(tax, trial)) for tax in TAXONOMIES),
        latest_date=days[-1] if days else None,
        updated=_updated(trial),
        places=places_of(trial),
        blurb=markdown.shorten(plain_summary, FEED_SUMMARY_LENGTH) if plain_summary else None,
    )


def place_of(site: Site) -> str:
    return ", ".join(part for part in (site.city, site.state, site.country) if part) or site.facility or ""


def places_of(trial: Trial) -> str | None:
    """One site by its place; several by how many and in which countries."""
    if len(trial.sites) == 1:
        return place_of(trial.sites[0]) or None
    if not trial.sites:
        return None
    countries = list(dict.fromkeys(site.country for site in trial.sites if site.country))
    named = ", ".join(countries[:3]) + (f" and {len(countries) - 3} more countries" if len(countries) > 3 else "")
    return f"{len(trial.sites)} sites" + (f": {named}" if named else "")


def age_range(min_age: str | None, max_age: str | None) -> str | None:
    low, high = (age.lower() if age else None for age in (min_age, max_age))
    if low and high:
        return f"{low} to {high}"
    if low:
        return f"{low} or older"
    if high:
        return f"up to {high}"
    return None


def _updated(trial: Trial) -> str | None:
    """The stated last-update date, if it is a real day or month (content may hold 2024-02-31)."""
    stated = last_update(trial.dates)
    if stated is None:
        return None
    month_only = len(stated.date) == len("2006-11")
    return stated.date if _is_real_day(stated.date + "-01" if month_only else stated.date) else None


def _is_real_day(iso: str) -> bool:
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        return False
    return True
