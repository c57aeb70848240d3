"""A trial as the templates need it: the record plus the few things worked out from it.

Templates only lay out; anything that needs a decision (how to read a criterion's sub-items,
how to say an age range, which date is valid) is made here, in plain testable Python.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from markupsafe import Markup

from ..model import Outcome, StatedDate, Trial
from . import markdown
from .taxonomy import NOT_STATED, TAXONOMIES, slugify
from .urls import term_route, trial_route

CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/"
MONTHS = "January February March April May June July August September October November December".split()
_NUMBERED = re.compile(r"^(\d+)[.)]\s+(.*)$")


@dataclass(frozen=True)
class Link:
    name: str
    route: str


@dataclass(frozen=True)
class Criterion:
    text: str
    subitems: tuple[str, ...]
    numbered: bool  # sub-items were written "1.", "2.", ...: shown as an ordered list


@dataclass(frozen=True)
class StatedDay:
    label: str
    iso: str | None  # None when the content's date is not a real day (2024-02-31)
    text: str


@dataclass(frozen=True)
class TrialView:
    slug: str
    route: str
    record: Trial
    terms: dict[str, tuple[Link, ...]]  # taxonomy key -> the trial's terms, linked
    filter_tokens: dict[str, str]  # taxonomy key -> space-separated term slugs, for the filter script
    summary_html: Markup | None
    description_html: Markup | None
    plain_summary: str | None
    ages: str | None
    inclusion: tuple[Criterion, ...]
    exclusion: tuple[Criterion, ...]
    outcome_groups: tuple[tuple[str, list[Outcome]], ...]
    dates: tuple[StatedDay, ...]
    latest_date: str | None
    registry_url: str | None


def trial_view(slug: str, trial: Trial) -> TrialView:
    terms = {tax.key: tax.terms_of(trial) for tax in TAXONOMIES}
    dates = tuple(stated_day(date) for date in trial.dates)
    return TrialView(
        slug=slug,
        route=trial_route(slug),
        record=trial,
        terms={
            key: tuple(Link(name, term_route(key, slugify(name))) for name in names)
            for key, names in terms.items()
        },
        filter_tokens={
            key: " ".join(dict.fromkeys(map(slugify, names or [NOT_STATED]))) for key, names in terms.items()
        },
        summary_html=markdown.to_html(trial.summary) if trial.summary else None,
        description_html=markdown.to_html(trial.description) if trial.description else None,
        plain_summary=markdown.to_plain_text(trial.summary) if trial.summary else None,
        ages=age_range(trial.min_age, trial.max_age),
        inclusion=tuple(map(criterion, trial.eligibility.inclusion)),
        exclusion=tuple(map(criterion, trial.eligibility.exclusion)),
        outcome_groups=(
            ("Primary outcomes", trial.outcomes.primary),
            ("Secondary outcomes", trial.outcomes.secondary),
            ("Other outcomes", trial.outcomes.other),
        ),
        dates=dates,
        latest_date=max((day.iso for day in dates if day.iso), default=None),
        registry_url=CTGOV_STUDY_URL + trial.nct_id if trial.nct_id else None,
    )


def criterion(text: str) -> Criterion:
    """First line is the criterion; each following line is a sub-item."""
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [text]
    head, rest = lines[0], lines[1:]
    matches = [_NUMBERED.match(line) for line in rest]
    if rest and all(matches) and [int(m[1]) for m in matches] == list(range(1, len(rest) + 1)):
        return Criterion(head, tuple(m[2] for m in matches), numbered=True)
    return Criterion(head, tuple(rest), numbered=False)


def age_range(min_age: str | None, max_age: str | None) -> str | None:
    low, high = (age.lower() if age else None for age in (min_age, max_age))
    if low and high:
        return f"{low} to {high}"
    if low:
        return f"{low} or older"
    if high:
        return f"up to {high}"
    return None


def stated_day(date: StatedDate) -> StatedDay:
    try:
        day = dt.date.fromisoformat(date.date)
    except ValueError:
        return StatedDay(date.label, None, date.date)
    return StatedDay(date.label, date.date, f"{day.day} {MONTHS[day.month - 1]} {day.year}")
