"""What each page of the site is, and the data its template lays out. Pure: nothing is read or
written here; `engine.py` renders pages with Jinja and writes them.

Every index page comes as a `PagePlan`: its route, a key that changes exactly when anything the
page shows changes, and a function that builds its context. That key is the dependency map from
content to pages: after an edit, only pages whose key changed are rendered again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from ..fsutil import key_of
from . import jsonld
from .config import SiteConfig
from .listing import Link, Listing
from .markdown import shorten
from .shards import SEARCH_DIR, bundle_path, shard_count
from .taxonomy import (
    CONDITIONS,
    COUNTRIES,
    DRUGS,
    NOT_STATED_SLUG,
    PHASES_TAXONOMY,
    STATUSES_TAXONOMY,
    TAXONOMIES,
    Taxonomy,
    Term,
)
from .trial_lists import Change, Rows, TrialLists
from .trialview import TrialView
from .urls import Urls, output_path, page_route, term_route

NOT_FOUND_ROUTE = "404.html"
SEARCH_ROUTE = "search/"
HOME_FILTERS = (STATUSES_TAXONOMY, COUNTRIES, PHASES_TAXONOMY, DRUGS)
HOME = Link("Trials", "")
# Long lists are split so that no page grows with the catalogue.
PAGE_SIZE = 100
# The home page's filter chips: every phase and status, but only the most used drugs.
MAX_CHIPS = 24


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
class PagePlan:
    route: str
    key: str
    make: Callable[[], Page]
    indexable: bool = True


@dataclass(frozen=True)
class TermSummary:
    """A term as its index lists it, with the taxonomy's detail (a drug's class), if it has one."""

    term: Term
    detail: str | None


@dataclass(frozen=True)
class Pagination:
    number: int  # 1-based
    routes: tuple[str, ...]  # the route of every page of the list

    @property
    def previous(self) -> str | None:
        return self.routes[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.routes[self.number] if self.number < len(self.routes) else None


@dataclass(frozen=True)
class Catalogue:
    """What index pages are planned from."""

    lists: TrialLists
    drug_classes: dict[str, str]
    config: SiteConfig

    def summaries(self, taxonomy: Taxonomy) -> list[TermSummary]:
        details = self.drug_classes if taxonomy is DRUGS else {}
        return [TermSummary(term, details.get(term.name.casefold())) for term in self.lists.terms(taxonomy)]


class PageKind(ABC):
    """One kind of page that is not a trial's: its plans, its routes for the sitemap, and which
    of its lists an edit re-pages. A new index page is a kind and a template."""

    @abstractmethod
    def plans(self, catalogue: Catalogue, change: Change | None) -> list[PagePlan]:
        """Every page of the kind (`change` None), or those an edit may have changed."""

    def routes(self, lists: TrialLists) -> list[str]:
        """The kind's pages that the sitemap lists."""
        return []

    def repaged(self, change: Change) -> list[str]:
        """The first routes of the kind's lists whose pages an edit may have changed in number:
        their pages from the last build are dropped unless planned again, so a list that
        shrinks leaves no stale page behind."""
        return []


class HomeList(PageKind):
    def plans(self, catalogue: Catalogue, change: Change | None) -> list[PagePlan]:
        return home_plans(catalogue.lists, catalogue.config)

    def routes(self, lists: TrialLists) -> list[str]:
        return list(list_routes("", len(lists.ordered)))

    def repaged(self, change: Change) -> list[str]:
        return [""] if change.listed else []


class NotFoundPage(PageKind):
    def plans(self, catalogue: Catalogue, change: Change | None) -> list[PagePlan]:
        return [_not_found_plan(catalogue.config)]


class SearchPage(PageKind):
    def plans(self, catalogue: Catalogue, change: Change | None) -> list[PagePlan]:
        return [search_plan(catalogue.config, shard_count(len(catalogue.lists.ordered)))]

    def routes(self, lists: TrialLists) -> list[str]:
        return [SEARCH_ROUTE]


@dataclass(frozen=True)
class TaxonomyIndex(PageKind):
    """A taxonomy's index: every term, with how many trials have it."""

    taxonomy: Taxonomy

    def plans(self, catalogue: Catalogue, change: Change | None) -> list[PagePlan]:
        return [_taxonomy_plan(self.taxonomy, catalogue.summaries(self.taxonomy), catalogue.config)]

    def routes(self, lists: TrialLists) -> list[str]:
        return [self.taxonomy.route]


@dataclass(frozen=True)
class TermLists(PageKind):
    """The list of each term's trials; after an edit, only the lists it touched."""

    taxonomy: Taxonomy

    def plans(self, catalogue: Catalogue, change: Change | None) -> list[PagePlan]:
        plans = []
        for summary in catalogue.summaries(self.taxonomy):
            if change is None or (self.taxonomy.key, summary.term.slug) in change.terms:
                members = catalogue.lists.members(self.taxonomy, summary.term)
                plans += _term_plans(self.taxonomy, summary, members, catalogue.config)
        return plans

    def routes(self, lists: TrialLists) -> list[str]:
        return [route for term in lists.terms(self.taxonomy) for route in list_routes(term.route, term.trials)]

    def repaged(self, change: Change) -> list[str]:
        return [term_route(key, slug) for key, slug in sorted(change.terms) if key == self.taxonomy.key]


PAGE_KINDS: tuple[PageKind, ...] = (
    HomeList(),
    NotFoundPage(),
    SearchPage(),
    *(kind for taxonomy in TAXONOMIES for kind in (TaxonomyIndex(taxonomy), TermLists(taxonomy))),
)


def index_plans(
    lists: TrialLists, drug_classes: dict[str, str], config: SiteConfig, change: Change | None = None
) -> list[PagePlan]:
    """Plans of every page that is not a trial's, or (after an edit: `change`) of those it may
    have changed."""
    catalogue = Catalogue(lists, drug_classes, config)
    return [plan for kind in PAGE_KINDS for plan in kind.plans(catalogue, change)]


def repaged_lists(change: Change, outputs: Container[str]) -> set[str]:
    """The files among `outputs` of every list an edit may have re-paged."""
    return {path for kind in PAGE_KINDS for base in kind.repaged(change) for path in list_pages(base, outputs)}


def home_plans(lists: TrialLists, config: SiteConfig) -> list[PagePlan]:
    listings = lists.rows
    filters = [(taxonomy, _chips(taxonomy, lists.terms(taxonomy))) for taxonomy in HOME_FILTERS]
    counts = [(taxonomy, _stated(lists.terms(taxonomy))) for taxonomy in (DRUGS, CONDITIONS, COUNTRIES)]
    shared = {"filters": filters, "counts": counts, "total": len(listings)}
    # Taxonomies by key: their repr holds a function's address, which differs from run to run.
    shared_key = key_of(
        [(tax.key, [(t.name, t.trials) for t in chips]) for tax, chips in filters],
        [(tax.key, count) for tax, count in counts],
        len(listings),
    )

    def make(route: str, rows: list[Listing], pagination: Pagination) -> Page:
        title = config.title if pagination.number == 1 else f"{config.title}, page {pagination.number}"
        context = {"trials": rows, "pagination": pagination, **shared}
        return Page(route, "home.html", title, config.description, "", context)

    return _paginated("", listings, shared_key, make)


def _chips(taxonomy: Taxonomy, terms: list[Term]) -> list[Term]:
    if len(terms) <= MAX_CHIPS:
        return terms
    return sorted(terms, key=lambda term: (-term.trials, term.name.casefold()))[:MAX_CHIPS]


def _paginated(
    base: str, rows: Rows, key: str, make: Callable[[str, list[Listing], Pagination], Page]
) -> list[PagePlan]:
    """One plan per PAGE_SIZE rows; a page's key covers its own rows and the page count."""
    routes = list_routes(base, len(rows))
    plans = []
    for number, route in enumerate(routes, start=1):
        start = (number - 1) * PAGE_SIZE
        pagination = Pagination(number, routes)
        page_key = key_of(key, route, len(routes), rows_digest(tuple(rows.digests[start : start + PAGE_SIZE])))
        chunk = rows.listings[start : start + PAGE_SIZE]
        plans.append(PagePlan(route, page_key, partial(make, route, chunk, pagination)))
    return plans


@lru_cache(maxsize=4096)
def rows_digest(digests: tuple[str, ...]) -> str:
    """One digest for a page's rows; kept, as most pages' rows are the same from edit to edit."""
    return key_of(digests)


def list_routes(base: str, rows: int) -> tuple[str, ...]:
    """The routes of a list of `rows` trials starting at `base`, PAGE_SIZE rows a page."""
    return tuple(page_route(base, n) for n in range(1, max(1, -(-rows // PAGE_SIZE)) + 1))


def list_pages(base: str, outputs: Container[str]) -> list[str]:
    """The files of the list at `base` among `outputs` (site paths): its first page and every
    page after it, up to the first one missing."""
    found, number = [], 1
    while (path := output_path(page_route(base, number))) in outputs:
        found.append(path)
        number += 1
    return found


def indexable_routes(lists: TrialLists) -> list[str]:
    """Every page the sitemap lists: what `index_plans` plans as indexable, and every trial page."""
    routes = [route for kind in PAGE_KINDS for route in kind.routes(lists)]
    return sorted(routes + [listing.route for listing in lists.ordered])


def _stated(terms: list[Term]) -> int:
    return sum(1 for term in terms if term.slug != NOT_STATED_SLUG)


def _title(name: str, config: SiteConfig) -> str:
    return f"{name} — {config.title}"


def _not_found_plan(config: SiteConfig) -> PagePlan:
    description = "The page you asked for is not in the catalogue."
    page = Page(NOT_FOUND_ROUTE, "404.html", _title("Page not found", config), description, "", indexable=False)
    return PagePlan(NOT_FOUND_ROUTE, key_of(NOT_FOUND_ROUTE), lambda: page, indexable=False)


def search_plan(config: SiteConfig, shards: int) -> PagePlan:
    """The full-text search page: Pagefind's UI over the index `search.py` builds, the primary
    bundle merging the other shards'. Without JavaScript it says so and leads to the indexes
    instead."""
    description = "Search every trial by drug, condition, eligibility, sponsor or any word of its summary."
    merged = [f"{bundle_path(shard)}/" for shard in range(1, shards)]
    page = Page(
        SEARCH_ROUTE, "search.html", _title("Search trials", config), description, SEARCH_ROUTE, {"merged": merged}
    )
    return PagePlan(SEARCH_ROUTE, key_of(SEARCH_ROUTE, SEARCH_DIR, merged), lambda: page)


def _taxonomy_plan(taxonomy: Taxonomy, summaries: list[TermSummary], config: SiteConfig) -> PagePlan:
    context = {"taxonomy": taxonomy, "summaries": summaries, "breadcrumbs": [HOME]}
    description = f"Every {taxonomy.singular.lower()} in the catalogue, with its trials."
    page = Page(taxonomy.route, "taxonomy.html", _title(taxonomy.title, config), description, taxonomy.route, context)
    key = key_of(taxonomy.key, [(s.term.name, s.term.slug, s.term.trials, s.detail) for s in summaries])
    return PagePlan(taxonomy.route, key, lambda: page)


def _term_plans(taxonomy: Taxonomy, summary: TermSummary, members: Rows, config: SiteConfig) -> list[PagePlan]:
    term = summary.term
    noun = "trial" if len(members) == 1 else "trials"
    description = shorten(f"{len(members)} {noun} in the catalogue with {taxonomy.singular.lower()}: {term.name}.")
    breadcrumbs = [HOME, Link(taxonomy.title, taxonomy.route)]

    def make(route: str, rows: list[Listing], pagination: Pagination) -> Page:
        name = f"{taxonomy.singular}: {term.name}"
        if pagination.number > 1:
            name += f", page {pagination.number}"
        context = {
            "taxonomy": taxonomy,
            "summary": summary,
            "trials": rows,
            "total": len(members),
            "pagination": pagination,
            "breadcrumbs": breadcrumbs,
        }
        return Page(route, "term.html", _title(name, config), description, taxonomy.route, context)

    key = key_of(taxonomy.key, term.name, summary.detail, len(members))
    return _paginated(term.route, members, key, make)


def trial_page(
    view: TrialView, title_shared: bool, config: SiteConfig, urls: Urls, drug_classes: dict[str, str]
) -> Page:
    record = view.record
    # Every page needs its own <title>; the file name tells two trials of the same title apart.
    name = f"{record.title} ({view.slug})" if title_shared else record.title
    classes = {name: drug_classes[name.casefold()] for name in record.drugs if name.casefold() in drug_classes}
    context = {
        "trial": view,
        "jsonld": jsonld.script_json(jsonld.medical_trial(view, urls.absolute(view.route), classes)),
        "breadcrumbs": [HOME],
    }
    description = view.plain_summary or f"Phase, status, eligibility and outcomes of the trial “{record.title}”."
    return Page(view.route, "trial.html", _title(name, config), shorten(description), "", context)
