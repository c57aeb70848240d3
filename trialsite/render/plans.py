"""Plan the site: every file a build may make, as a plan with its route and its key (the
dependency map from content to files: a file whose key is unchanged is carried over).

Pages come as `pages.PagePlan`s, from the page kinds in `pages.py`; the other files (exports,
feed, sitemap, robots.txt, the catalogue's rows, static assets) as `FilePlan`s, streamed out in
chunks since the exports can be large.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import Digesting, atomic_write, digest, key_of
from . import catalogue, exports, feeds
from .config import SiteConfig
from .pages import PagePlan, index_plans, indexable_routes
from .state import BuildState
from .templates import read_static
from .trial_lists import Change, TrialLists
from .urls import Urls


@dataclass(frozen=True)
class FilePlan:
    """A site file that is not a page: streamed out in chunks (the exports can be large)."""

    route: str
    key: Callable[[], str]  # made only when compared: the preview defers large files without it
    chunks: Callable[[], Iterable[bytes]]
    # Large, and read from the build state: the preview server writes it after the pages, in
    # the background (`LivePublisher.write_deferred`), so an edit's pages are served at once.
    deferrable: bool = False

    def write(self, root: Path) -> str:
        """Write the file under `root`; the digest of its bytes."""
        chunks = Digesting(self.chunks())
        atomic_write(root / self.route, chunks, durable=False)
        return chunks.hexdigest()


Plan = PagePlan | FilePlan


@dataclass(frozen=True)
class SiteInputs:
    """What the plans of the site's files are made from."""

    lists: TrialLists
    config: SiteConfig
    urls: Urls
    drug_classes: dict[str, str]
    templates_dir: Path
    state: BuildState  # the export rows, streamed from it
    exports_key: Callable[[], str]


def site_plans(inputs: SiteInputs, change: Change | None) -> list[Plan]:
    """What to plan: every page and file (`change` None), or what an edit may have changed."""
    plans: list[Plan] = list(export_plans(inputs.state, inputs.exports_key))
    if change is not None and not change.listed:
        return plans  # no list shows anything new (an edit to a trial's details)
    lists, urls = inputs.lists, inputs.urls
    ordered = list(lists.ordered)  # as of this build: the preview writes catalogue.json later
    plans += index_plans(lists, inputs.drug_classes, inputs.config, change)
    plans += [
        FilePlan(feeds.FEED_ROUTE, *feeds.atom_feed_plan(lists.newest(), inputs.config, urls)),
        FilePlan(feeds.ROBOTS_ROUTE, lambda: key_of(urls.absolute("")), lambda: [feeds.robots(urls)]),
        FilePlan(
            catalogue.CATALOGUE_ROUTE,
            lambda: catalogue.catalogue_key(ordered, urls),
            lambda: catalogue.catalogue_json(ordered, urls),
            deferrable=True,
        ),
    ]
    if change is None or change.members:  # otherwise no page came or went
        indexable = indexable_routes(lists)
        plans.append(
            FilePlan(feeds.SITEMAP_ROUTE, lambda: key_of(indexable), lambda: [feeds.sitemap(indexable, urls)])
        )
    plans += [_static_plan(path, data) for path, data in read_static(inputs.templates_dir).items()]
    return plans


def _static_plan(route: str, data: bytes) -> FilePlan:
    return FilePlan(route, lambda: digest(data), lambda: [data])


def export_plans(state: BuildState, key: Callable[[], str], remember: bool = True) -> list[FilePlan]:
    """The open-data files, streamed from the rows the build state keeps for every trial,
    gzipped, reusing the members the last build compressed (remembering this build's unless
    told not to: `ExportMembers`)."""

    def gzipped(export: str, pieces: Iterable[bytes]) -> Iterator[bytes]:
        members = state.export_members(export, remember)
        yield from exports.gzipped(pieces, members)
        members.forget_unused()

    def json_file() -> Iterable[bytes]:
        return gzipped(exports.JSON_ROUTE, exports.trials_json(state.export_rows("json_row")))

    def csv_file() -> Iterable[bytes]:
        return gzipped(exports.CSV_ROUTE, exports.trials_csv(state.export_rows("csv_row")))

    return [
        FilePlan(exports.JSON_ROUTE, key, json_file, deferrable=True),
        FilePlan(exports.CSV_ROUTE, key, csv_file, deferrable=True),
    ]
