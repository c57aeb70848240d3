"""The gzipped exports are a series of gzip members, one per block of rows: an edit compresses
again only the block its trial is in, and the file is still the one a cold build writes."""

from __future__ import annotations

import gzip
import zlib

import pytest
from test_render_build import build
from test_spare_site import cold_tree, retitle, trial_names

from trialsite.render import exports

EXPORTS = (exports.JSON_ROUTE, exports.CSV_ROUTE)


@pytest.fixture(autouse=True)
def one_row_a_member(monkeypatch):
    """Three fixture trials in one block would say nothing about blocks."""
    monkeypatch.setattr(exports, "BLOCK_PIECES", 1)


def members(data: bytes) -> list[bytes]:
    """The raw bytes of each gzip member of `data`, in order."""
    found = []
    while data:
        reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
        reader.decompress(data)
        found.append(data[: len(data) - len(reader.unused_data)])
        data = reader.unused_data
    return found


def test_an_export_is_one_member_a_block_read_as_one_stream(root):
    assert build(root) == 0
    data = (root / "site" / exports.CSV_ROUTE).read_bytes()
    assert len(members(data)) == 1 + len(trial_names(root))  # the header line, then a row each
    assert gzip.decompress(data).decode("utf-8").count("\r\n") == 1 + len(trial_names(root))


@pytest.mark.parametrize("route", EXPORTS)
def test_an_edit_changes_only_the_member_its_trial_is_in(root, route):
    assert build(root) == 0
    before = members((root / "site" / route).read_bytes())
    retitle(root, trial_names(root)[1], "A retitled trial")
    assert build(root) == 0
    after = members((root / "site" / route).read_bytes())
    assert len(after) == len(before)
    assert [old == new for old, new in zip(before, after, strict=True)].count(False) == 1


def test_exports_after_edits_are_the_bytes_a_cold_build_writes(root, tmp_path):
    assert build(root) == 0
    first, second, _ = trial_names(root)
    retitle(root, first, "A retitled trial")
    assert build(root) == 0
    (root / "content" / "trials" / f"{second}.yaml").unlink()
    assert build(root) == 0
    cold = cold_tree(root, tmp_path)
    for route in EXPORTS:
        assert (root / "site" / route).read_bytes() == cold[route]
