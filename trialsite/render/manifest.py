"""The outputs manifest: every file of the site, with the digest of its bytes and the key of
the inputs it was made from. A file whose key is unchanged is carried over, not made again."""

from __future__ import annotations

import enum
from typing import NamedTuple


class Kind(enum.Enum):
    FILE = "file"  # rendered from a plan; its key is the plan's
    TRIAL_PAGE = "trial"  # a trial's page; its key is the digest of what search reads of it
    SEARCH = "search"  # a file of the search bundle; its key is the digest of every trial page's
    DEFERRED = "deferred"  # left for the preview to write after the build: its key matches nothing


class Output(NamedTuple):
    """A site file's entry (a named tuple: the manifest of a large site loads tens of thousands)."""

    digest: str
    key: str
    kind: Kind = Kind.FILE

    def deferred(self) -> Output:
        return Output(self.digest, "", Kind.DEFERRED)


Manifest = dict[str, Output]  # site path -> its entry
KINDS = {kind.value: kind for kind in Kind}  # as the build state stores them
