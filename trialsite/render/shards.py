"""How the search index is split: shards of trials, each its own Pagefind bundle.

Pagefind cannot update an index, and indexing a page costs about the same however many there
are, so one bundle for the catalogue means re-reading every trial after any edit. Split into
shards, an edit re-indexes the one shard its trial is in, in seconds, and the shards of a cold
build are indexed side by side, each Pagefind process holding only its shard's pages. The search
page merges them in the browser (Pagefind's `mergeIndex`): filter counts add up across shards,
and each shard costs a search its metadata and one index chunk per word.

A trial's shard is a hash of its slug, so an edit never moves a trial, and the number of shards
is a power of two set by the catalogue's size: shard 0 is the site's `pagefind/`, the whole
bundle with Pagefind's scripts; shard K is `pagefind/shard-K/`, its index alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from ..fsutil import key_of
from .manifest import Kind, Manifest

SEARCH_DIR = "pagefind"  # the primary bundle's folder in the site, and the shards' parent
# A shard holds from SHARD_TRIALS to twice as many trials. Smaller shards re-index sooner after an
# edit; each costs a first search its own metadata and index chunk (measured in the README).
SHARD_TRIALS = 1250
# What the browser fetches of a bundle: of a merged shard only its index; of the primary also the
# default UI, the engine and its WebAssembly. The rest Pagefind writes (its component and modular
# UIs, its highlighting script: a third of a megabyte) the site never loads.
_INDEX_FILES = r"pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|(index|fragment|filter)/[^/]+"
MERGED_FILES = re.compile(rf"^({_INDEX_FILES})$")
PRIMARY_FILES = re.compile(rf"^({_INDEX_FILES}|pagefind-ui\.(js|css)|pagefind(-worker)?\.js|wasm\.[^/]+\.pagefind)$")
_SHARD_PATH = re.compile(rf"^{SEARCH_DIR}/shard-(\d+)/")


def shard_count(trials: int) -> int:
    """The largest power of two that leaves each shard at least SHARD_TRIALS trials (at least 1)."""
    count = 1
    while trials >= 2 * count * SHARD_TRIALS:
        count *= 2
    return count


def shard_of(slug: str, count: int) -> int:
    """The shard a trial is in: fixed by its slug alone, for a given number of shards."""
    return int.from_bytes(hashlib.sha1(slug.encode("utf-8")).digest()[:4], "big") % count


def bundle_path(shard: int) -> str:
    """A shard's folder in the site."""
    return SEARCH_DIR if shard == 0 else f"{SEARCH_DIR}/shard-{shard}"


def shard_of_file(path: str) -> int:
    """The shard a file of the search index ("pagefind/...") belongs to."""
    match = _SHARD_PATH.match(path)
    return int(match[1]) if match else 0


def slug_of_page(path: str) -> str:
    """The trial of a trial page's site path ("trials/<slug>/index.html")."""
    return path.split("/")[1]


def trial_pages(outputs: Manifest) -> dict[str, str]:
    """Every trial page of a manifest: its path and its key (the digest of what search reads)."""
    return {path: entry.key for path, entry in outputs.items() if entry.kind is Kind.TRIAL_PAGE}


def shard_keys(pages: dict[str, str]) -> dict[int, str]:
    """Each shard's key: what its bundle is made from (its trials' search documents, and the
    number of shards, which decides its trials)."""
    count = shard_count(len(pages))
    members: dict[int, list[tuple[str, str]]] = {shard: [] for shard in range(count)}
    for path, key in sorted(pages.items()):
        members[shard_of(slug_of_page(path), count)].append((path, key))
    return {shard: key_of(count, listed) for shard, listed in members.items()}


def shards_of(slugs: Iterable[str], count: int) -> set[int]:
    """The shards these trials are in."""
    return {shard_of(slug, count) for slug in slugs}
