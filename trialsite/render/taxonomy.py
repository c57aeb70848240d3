"""One mechanism for every way of grouping trials: drugs, conditions, phases, statuses and countries.

A taxonomy says how to read its terms off a trial and in which order to list them;
`trial_lists.TrialLists` does the rest. Each term gets a bounded, URL-safe slug (`slugs.term_slug`);
names that differ only in case, punctuation or accents share a slug and so are one term, and so
do conditions that name one MeSH heading.
A trial with no term is grouped under "Not stated" (a taxonomy may say it in its own words:
"Location not stated"), listed last, so every trial can be found from every index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import PHASES, STATUSES, Trial
from ..slugs import term_slug
from .urls import taxonomy_route

NOT_STATED = "Not stated"
NOT_STATED_SLUG = term_slug(NOT_STATED)  # every taxonomy's "not stated" page has this slug


@dataclass(frozen=True)
class Taxonomy:
    key: str  # URL segment and data- attribute name
    title: str  # "Drugs"
    singular: str  # "Drug"
    terms_of: Callable[[Trial], list[str]]
    order: tuple[str, ...] = ()  # a fixed vocabulary order; otherwise alphabetical
    detail_label: str | None = None  # a fact shown beside each term in its index, e.g. "Class"
    # Where a trial's term is filed, when synonyms share a page: a condition's MeSH heading.
    filed_under: Callable[[Trial, str], str] = lambda trial, name: name
    not_stated: str = NOT_STATED  # the name of the term of trials that state none

    @property
    def route(self) -> str:
        return taxonomy_route(self.key)


@dataclass(frozen=True)
class Term:
    name: str
    slug: str
    route: str
    trials: int  # how many trials have it


def _one(value: str | None) -> list[str]:
    return [value] if value is not None else []


DRUGS = Taxonomy("drugs", "Drugs", "Drug", lambda trial: trial.drugs, detail_label="Class")
CONDITIONS = Taxonomy(
    "conditions",
    "Conditions",
    "Condition",
    lambda trial: trial.conditions,
    filed_under=lambda trial, name: trial.condition_headings.get(name, name),
)
PHASES_TAXONOMY = Taxonomy("phases", "Phases", "Phase", lambda trial: _one(trial.phase), PHASES)
STATUSES_TAXONOMY = Taxonomy("statuses", "Statuses", "Status", lambda trial: _one(trial.status), STATUSES)
# Countries as the sites state them; a trial whose sites name none (or that lists its places only
# as free text) is "Location not stated": a country is never guessed from a city or a facility.
COUNTRIES = Taxonomy(
    "countries",
    "Countries",
    "Country",
    lambda trial: list(dict.fromkeys(site.country for site in trial.sites if site.country)),
    not_stated="Location not stated",
)
TAXONOMIES = (DRUGS, CONDITIONS, PHASES_TAXONOMY, STATUSES_TAXONOMY, COUNTRIES)
BY_KEY = {taxonomy.key: taxonomy for taxonomy in TAXONOMIES}


def slugged_terms(taxonomy: Taxonomy, trial: Trial) -> tuple[tuple[str, str], ...]:
    """(name as the trial writes it, slug of the page it is filed under) of each of its terms."""
    return tuple((name, term_slug(taxonomy.filed_under(trial, name))) for name in taxonomy.terms_of(trial))


def term_sort_key(taxonomy: Taxonomy, name: str) -> tuple[int, int, str, str]:
    """Vocabulary order first, then alphabetical, then "Not stated"."""
    if name == taxonomy.not_stated:
        return (2, 0, "", "")
    if name in taxonomy.order:
        return (0, taxonomy.order.index(name), "", "")
    return (1, 0, name.casefold(), name)
