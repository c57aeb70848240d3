"""A trial as lists show it (home, index pages, feed, sitemap): small enough that a catalogue of
50,000 fits in memory while the full records are rendered one at a time and let go."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from ..fsutil import digest
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


@dataclass(frozen=True)
class Listing:
    slug: str
    title: str
    nct_id: str | None
    status: str | None
    sex: str | None
    ages: str | None
    age_days: tuple[float | None, float | None]  # the stated minimum and maximum age, in days
    # (taxonomy key, ((term name, slug), ...)), in TAXONOMIES order
    term_names: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    latest_date: str | None  # newest valid stated date, ISO
    updated: str | None  # when the source says its record was last updated, ISO as stated
    places: str | None  # where the trial runs, in a few words: 'Paris, France', '105 sites: Spain, France'
    blurb: str | None  # the summary as plain text, shortened: for the feed
    row_html: str = ""  # the trial's row in every list, rendered once (see Renderer.trial)

    @property
    def row(self) -> Markup:
        return Markup(self.row_html)

    @property
    def route(self) -> str:
        return trial_route(self.slug)

    @cached_property
    def terms(self) -> dict[str, tuple[Link, ...]]:
        """Taxonomy key -> the trial's terms, linked."""
        return {
            key: tuple(Link(name, term_route(key, slug)) for name, slug in terms)
            for key, terms in self.term_names
        }

    @cached_property
    def filter_tokens(self) -> dict[str, str]:
        """Taxonomy key -> space-separated term slugs, for the filter script."""
        not_stated = (NOT_STATED_SLUG,)
        return {
            key: " ".join(dict.fromkeys([slug for _, slug in terms] or not_stated)) for key, terms in self.term_names
        }

    @property
    def age_token(self) -> str:
        """The age range in days as the filter script reads a row's: "6574.5 " (no maximum)."""
        return " ".join("" if days is None else repr(days) for days in self.age_days)

    @cached_property
    def digest(self) -> str:
        """Changes exactly when anything a list shows of this trial changes."""
        return digest(repr(self).encode("utf-8"))


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
