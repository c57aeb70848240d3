"""A trial as the templates need it: the record plus the few things worked out from it.

Templates only lay out; anything that needs a decision (how to read a criterion's sub-items,
how to say an age range, which date is valid) is made here, in plain testable Python.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from markupsafe import Markup

from ..model import Outcome, StatedDate, Trial
from ..provenance import Provenance
from . import markdown
from .finder import CountrySites, last_update, sites_by_country
from .listing import Listing, listing_of
from .sources import Source, TrialSources, field_of, sources_of

CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/"
MONTHS = "January February March April May June July August September October November December".split()
_NUMBERED = re.compile(r"^(\d+)[.)]\s+(.*)$")


@dataclass(frozen=True)
class Criterion:
    text: str
    subitems: tuple[str, ...]
    numbered: bool  # sub-items were written "1.", "2.", ...: shown as an ordered list
    sources: tuple[Source, ...] = ()  # where it came from, when the trial has a provenance sidecar


@dataclass(frozen=True)
class StatedDay:
    label: str
    iso: str | None  # None when the content's date is not a real day (2024-02-31)
    text: str


@dataclass(frozen=True)
class TrialView:
    """The trial page's data: the full record, its listing, and what is worked out from them."""

    listing: Listing
    record: Trial
    summary_html: Markup | None
    description_html: Markup | None
    plain_summary: str | None
    inclusion: tuple[Criterion, ...]
    exclusion: tuple[Criterion, ...]
    outcome_groups: tuple[tuple[str, list[Outcome]], ...]
    dates: tuple[StatedDay, ...]
    registry_url: str | None
    site_groups: tuple[CountrySites, ...]
    status_day: StatedDay | None  # the date the source gives for its status: when last updated
    sources: TrialSources  # empty when the trial has no provenance sidecar

    # A trial page lays out the same row facts as a listing does.
    slug = property(lambda self: self.listing.slug)
    route = property(lambda self: self.listing.route)
    title = property(lambda self: self.listing.title)
    nct_id = property(lambda self: self.listing.nct_id)
    status = property(lambda self: self.listing.status)
    ages = property(lambda self: self.listing.ages)
    terms = property(lambda self: self.listing.terms)
    filter_tokens = property(lambda self: self.listing.filter_tokens)

    def sources_for(self, *fields: str) -> tuple[Source, ...]:
        """The sources of these fields' values ('drugs': one per drug), in the record's order."""
        return tuple(source for key, source in self.sources.items() if field_of(key) in fields)


def trial_view(slug: str, trial: Trial, provenance: Provenance | None) -> TrialView:
    summary_html = markdown.to_html(trial.summary) if trial.summary else None
    plain_summary = markdown.html_to_plain_text(summary_html) if summary_html else None
    sources = sources_of(trial, provenance)
    return TrialView(
        listing=listing_of(slug, trial, plain_summary),
        record=trial,
        summary_html=summary_html,
        description_html=markdown.to_html(trial.description) if trial.description else None,
        plain_summary=plain_summary,
        inclusion=_criteria(trial.eligibility.inclusion, "eligibility.inclusion", sources),
        exclusion=_criteria(trial.eligibility.exclusion, "eligibility.exclusion", sources),
        outcome_groups=(
            ("Primary outcomes", trial.outcomes.primary),
            ("Secondary outcomes", trial.outcomes.secondary),
            ("Other outcomes", trial.outcomes.other),
        ),
        dates=tuple(stated_day(date) for date in trial.dates),
        registry_url=CTGOV_STUDY_URL + trial.nct_id if trial.nct_id else None,
        site_groups=sites_by_country(trial),
        status_day=stated_day(updated) if (updated := last_update(trial.dates)) else None,
        sources=sources,
    )


def _criteria(texts: list[str], field: str, sources: TrialSources) -> tuple[Criterion, ...]:
    found = [sources.get(f"{field}[{i}]") for i in range(len(texts))]
    return tuple(
        replace(criterion(text), sources=(source,) if source else ())
        for text, source in zip(texts, found, strict=True)
    )


def criterion(text: str) -> Criterion:
    """First line is the criterion; each following line is a sub-item."""
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [text]
    head, rest = lines[0], lines[1:]
    matches = [m for line in rest if (m := _NUMBERED.match(line))]
    # Numbered 1, 2, 3... in order, every one of them (an unnumbered line leaves the count short).
    if rest and [int(m[1]) for m in matches] == list(range(1, len(rest) + 1)):
        return Criterion(head, tuple(m[2] for m in matches), numbered=True)
    return Criterion(head, tuple(rest), numbered=False)


def stated_day(date: StatedDate) -> StatedDay:
    if len(date.date) == len("2006-11"):  # stated to the month, as registries often do
        year, month = map(int, date.date.split("-"))
        if 1 <= month <= 12:
            return StatedDay(date.label, date.date, f"{MONTHS[month - 1]} {year}")
    try:
        day = dt.date.fromisoformat(date.date)
    except ValueError:
        return StatedDay(date.label, None, date.date)
    return StatedDay(date.label, date.date, f"{day.day} {MONTHS[day.month - 1]} {day.year}")
