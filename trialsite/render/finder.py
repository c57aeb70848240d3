"""What a patient asks first, worked out from a trial as its source states it: can I take part at
my age, is it recruiting now, when was it last updated, and where does it run.

Pure functions over the content model; the lists, catalogue.json and the trial page use them.
Nothing is guessed: what the source does not state stays None.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Site, StatedDate, Trial
from ..slugs import term_slug
from .taxonomy import COUNTRIES
from .urls import term_route

# An age's unit in days, so that "6 Months" and "26 Weeks" compare with "1 Years". A year is its
# average length and a month a twelfth of it, so 12 months is exactly 1 year. filter.js reads the
# same table from catalogue.json to convert the age a reader types.
DAYS_PER_UNIT = {
    "Years": 365.25,
    "Months": 365.25 / 12,
    "Weeks": 7.0,
    "Days": 1.0,
    "Hours": 1 / 24,
    "Minutes": 1 / (24 * 60),
}
# Lists show trials a patient can join first: recruiting, then about to, then the rest.
STATUS_RANKS = {"Recruiting": 0, "Not yet recruiting": 1}
OTHER_STATUSES = 2
# The labels under which sources state when their record was last brought up to date, most
# telling first: the registry's "Last update posted", ClinConnect's "Last updated" (from its
# timeline) and its "Current as of".
UPDATE_LABELS = ("Last update posted", "Last updated", "Current as of")


def age_in_days(age: str | None) -> float | None:
    """'6 Months' -> 182.625; None when the source states no age."""
    if age is None:
        return None
    number, unit = age.split(" ")  # the model's pattern: "<digits> <unit>"
    return round(int(number) * DAYS_PER_UNIT[unit], 4)


def status_rank(status: str | None) -> int:
    return STATUS_RANKS.get(status or "", OTHER_STATUSES)


def last_update(dates: list[StatedDate]) -> StatedDate | None:
    """The date the source says its record was last updated, by the first label of
    UPDATE_LABELS it states (the newest, if it states that label more than once)."""
    for label in UPDATE_LABELS:
        stated = [date for date in dates if date.label == label]
        if stated:
            return max(stated, key=lambda date: date.date)
    return None


@dataclass(frozen=True)
class CountrySites:
    country: str | None  # None: the sites whose country is not stated
    sites: tuple[Site, ...]

    @property
    def route(self) -> str | None:
        """The country's page: the one the countries taxonomy files these sites under."""
        return term_route(COUNTRIES.key, term_slug(self.country)) if self.country else None


def sites_by_country(trial: Trial) -> tuple[CountrySites, ...]:
    """The trial's sites grouped by country, countries in alphabetical order, each country's sites
    in the order the source lists them; sites that state no country come last."""
    groups: dict[str | None, list[Site]] = {}
    for site in trial.sites:
        groups.setdefault(site.country, []).append(site)
    order = sorted(groups, key=lambda country: (country is None, (country or "").casefold()))
    return tuple(CountrySites(country, tuple(groups[country])) for country in order)
