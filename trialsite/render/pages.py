"""Content -> pages: what each page of the site is, and the data its template lays out.

Pure: no files are read or written here. `site.py` renders these with Jinja and writes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..content import Content
from . import jsonld
from .config import SiteConfig
from .markdown import shorten
from .taxonomy import (
    CONDITIONS,
    DRUGS,
    NOT_STATED,
    PHASES_TAXONOMY,
    STATUSES_TAXONOMY,
    TAXONOMIES,
    Taxonomy,
    Term,
    classify,
)
from .trialview import Link, TrialView, trial_view
from .urls import Urls

NOT_FOUND_ROUTE = "404.html"
HOME_FILTERS = (PHASES_TAXONOMY, STATUSES_TAXONOMY, DRUGS)
HOME = Link("Trials", "")


@dataclass(frozen=True)
class Page:
    route: str
    template: str
    title: str  # the whole <title>, unique across the site
    description: str  # meta description
    section: str  # route of the main-navigation item this page belongs under
    context: dict[str, Any] = field(default_factory=dict)
    indexable: bool = True  # listed in the sitemap, with a canonical link


@dataclass(frozen=True)
class TermSummary:
    """A term as its index lists it, with the taxonomy's detail (a drug's class), if it has one."""

    term: Term
    detail: str | None


def trial_views(content: Content) -> list[TrialView]:
    """Every trial, in the order the catalogue lists them: by title."""
    views = [trial_view(slug, trial) for slug, trial in content.trials.items()]
    return sorted(views, key=lambda view: (view.record.title.casefold(), view.slug))


def site_pages(content: Content, views: list[TrialView], config: SiteConfig, urls: Urls) -> list[Page]:
    drug_classes = drug_class_table(content)
    terms = {taxonomy.key: classify(taxonomy, content.trials) for taxonomy in TAXONOMIES}
    pages = [_home(views, terms, config), _not_found(config)]
    shared = _shared_titles(views)
    pages += [
        _trial_page(view, view.record.title.casefold() in shared, config, urls, drug_classes)
        for view in views
    ]
    details = {DRUGS.key: drug_classes}
    for taxonomy in TAXONOMIES:
        summaries = [
            TermSummary(term, _detail(term, details.get(taxonomy.key))) for term in terms[taxonomy.key]
        ]
        pages.append(_taxonomy_page(taxonomy, summaries, config))
        pages += [_term_page(taxonomy, summary, views, config) for summary in summaries]
    return pages


def drug_class_table(content: Content) -> dict[str, str]:
    """Drug class by case-folded canonical name, from the editors' vocabulary."""
    drugs = content.vocabulary.drugs if content.vocabulary else []
    return {drug.name.casefold(): drug.drug_class for drug in drugs if drug.drug_class}


def _detail(term: Term, details: dict[str, str] | None) -> str | None:
    return details.get(term.name.casefold()) if details is not None else None


def _title(name: str, config: SiteConfig) -> str:
    return f"{name} — {config.title}"


def _home(views: list[TrialView], terms: dict[str, list[Term]], config: SiteConfig) -> Page:
    context = {
        "trials": views,
        "filters": [(taxonomy, terms[taxonomy.key]) for taxonomy in HOME_FILTERS],
        "counts": [(taxonomy, _stated(terms[taxonomy.key])) for taxonomy in (DRUGS, CONDITIONS)],
    }
    return Page("", "home.html", config.title, config.description, "", context)


def _stated(terms: list[Term]) -> int:
    return sum(1 for term in terms if term.name != NOT_STATED)


def _not_found(config: SiteConfig) -> Page:
    description = "The page you asked for is not in the catalogue."
    return Page(
        NOT_FOUND_ROUTE, "404.html", _title("Page not found", config), description, "", indexable=False
    )


def _shared_titles(views: list[TrialView]) -> set[str]:
    """Titles (case-folded) that more than one trial has, e.g. two sources for one study."""
    counts = Counter(view.record.title.casefold() for view in views)
    return {title for title, count in counts.items() if count > 1}


def _trial_page(
    view: TrialView, title_shared: bool, config: SiteConfig, urls: Urls, drug_classes: dict[str, str]
) -> Page:
    record = view.record
    # Every page needs its own <title>; the file name tells two trials of the same title apart.
    name = f"{record.title} ({view.slug})" if title_shared else record.title
    classes = {
        name: drug_classes[name.casefold()] for name in record.drugs if name.casefold() in drug_classes
    }
    context = {
        "trial": view,
        "jsonld": jsonld.script_json(jsonld.medical_trial(view, urls.absolute(view.route), classes)),
        "breadcrumbs": [HOME],
    }
    description = (
        view.plain_summary or f"Phase, status, eligibility and outcomes of the trial “{record.title}”."
    )
    return Page(view.route, "trial.html", _title(name, config), shorten(description), "", context)


def _taxonomy_page(taxonomy: Taxonomy, summaries: list[TermSummary], config: SiteConfig) -> Page:
    context = {"taxonomy": taxonomy, "summaries": summaries, "breadcrumbs": [HOME]}
    description = f"Every {taxonomy.singular.lower()} in the catalogue, with its trials."
    return Page(
        taxonomy.route, "taxonomy.html", _title(taxonomy.title, config), description, taxonomy.route, context
    )


def _term_page(taxonomy: Taxonomy, summary: TermSummary, views: list[TrialView], config: SiteConfig) -> Page:
    term = summary.term
    members = set(term.trial_slugs)
    trials = [view for view in views if view.slug in members]
    context = {
        "taxonomy": taxonomy,
        "summary": summary,
        "trials": trials,
        "breadcrumbs": [HOME, Link(taxonomy.title, taxonomy.route)],
    }
    noun = "trial" if len(trials) == 1 else "trials"
    description = f"{len(trials)} {noun} in the catalogue with {taxonomy.singular.lower()}: {term.name}."
    return Page(
        term.route,
        "term.html",
        _title(f"{taxonomy.singular}: {term.name}", config),
        shorten(description),
        taxonomy.route,
        context,
    )
