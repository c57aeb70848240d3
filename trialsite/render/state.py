"""What the last build made, kept between builds so the next one redoes only what changed.

One SQLite file beside the output: per trial file, the digest of what was read (with its
provenance sidecar), the stamps both were read at and whether those were old enough to trust
(see `changes.SETTLE_NS`), its listing and its rows of the open-data exports; per output file,
the hash of its bytes and the key of the inputs it was made from. Export rows stay on disk and
are streamed out, so memory does not grow with the catalogue. The file is a cache: deleting it
(or `build --clean`) only makes a build slower.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from .listing import Listing
from .manifest import KINDS, Manifest, Output

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trials (
    slug TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, sidecar_mtime_ns INTEGER, sidecar_size INTEGER,
    settled INTEGER, digest TEXT, title_shared INTEGER, listing BLOB, json_row BLOB, csv_row BLOB);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, hash TEXT, key TEXT, kind TEXT);
CREATE TABLE IF NOT EXISTS export_members (export TEXT, key BLOB, member BLOB, PRIMARY KEY (export, key));
"""

_SCHEMA = 7  # a state file of another layout is dropped: it is only a cache
Stamp = tuple[int, int]  # (mtime_ns, size): a file whose settled stamp is unchanged is not read again
# A trial's page shows its provenance sidecar's sources too: the trial file's stamp and the
# sidecar's (None: the trial has none).
TrialStamp = tuple[Stamp, Stamp | None]


@dataclass(frozen=True, slots=True)
class TrialRecord:
    slug: str
    stamp: TrialStamp
    settled: bool  # the stamp was old enough to trust when the file was read
    digest: str  # of what was read (`changes.trial_digest`)
    title_shared: bool
    listing: Listing
    page_entry: Output  # its page's outputs-manifest entry (kept there, not here)


# What the state keeps of a trial beside its record: its listing, pickled, and its lines of
# trials.json and trials.csv. Made where the trial is rendered (`stored_rows`), not in the parent:
# CPython keeps a UTF-8 copy in a string once pickle has encoded it, and the parent holds every
# listing's strings for the whole build.
StoredRows = tuple[bytes, bytes, bytes]


def stored_rows(listing: Listing, export_rows: tuple[bytes, bytes]) -> StoredRows:
    return (pickle.dumps(listing), *export_rows)


class BuildState:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA:
            self.db.executescript(
                "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS trials; DROP TABLE IF EXISTS outputs;"
                "DROP TABLE IF EXISTS export_members;"
                f"PRAGMA user_version = {_SCHEMA};"
            )
        self.db.executescript(_TABLES)

    def close(self) -> None:
        self.db.close()

    def fingerprint(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name='fingerprint'").fetchone()
        return row[0] if row else None

    def reset(self, fingerprint: str) -> None:
        """Forget everything: the inputs that all pages share have changed."""
        with self.transaction():
            self.db.execute("DELETE FROM trials")
            self.db.execute("DELETE FROM outputs")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))

    def stamps(self) -> tuple[dict[str, TrialStamp], dict[str, str], set[str]]:
        """Every trial's stamp and digest, and the trials whose stamps were too fresh to trust,
        in one pass over the table."""
        stamps: dict[str, TrialStamp] = {}
        digests = {}
        unsettled = set()
        query = "SELECT slug, mtime_ns, size, sidecar_mtime_ns, sidecar_size, settled, digest FROM trials"
        for slug, mtime, size, sidecar_mtime, sidecar_size, settled, read in self.db.execute(query):
            stamps[slug] = ((mtime, size), None if sidecar_mtime is None else (sidecar_mtime, sidecar_size))
            digests[slug] = read
            if not settled:
                unsettled.add(slug)
        return stamps, digests, unsettled

    def restamp(self, stamps: list[tuple[str, TrialStamp, bool]]) -> None:
        """New stamps for trials whose contents are as recorded (a checkout, a touch, a stamp
        that settled)."""
        self.db.executemany(
            "UPDATE trials SET mtime_ns=?, size=?, sidecar_mtime_ns=?, sidecar_size=?, settled=? WHERE slug=?",
            [(*stamp[0], *(stamp[1] or (None, None)), int(settled), slug) for slug, stamp, settled in stamps],
        )

    def records(self) -> dict[str, tuple[Listing, bool]]:
        rows = self.db.execute("SELECT slug, listing, title_shared FROM trials")
        return {slug: (pickle.loads(listing), bool(shared)) for slug, listing, shared in rows}

    def outputs(self) -> Manifest:
        rows = self.db.execute("SELECT path, hash, key, kind FROM outputs")
        return {path: Output(digest, key, KINDS[kind]) for path, digest, key, kind in rows}

    def export_rows(self, column: str) -> Iterator[bytes]:
        assert column in {"json_row", "csv_row"}
        for (row,) in self.db.execute(f"SELECT {column} FROM trials ORDER BY slug"):
            yield row

    def export_members(self, export: str, remember: bool) -> ExportMembers:
        return ExportMembers(self.db, export, remember)

    def transaction(self) -> _Transaction:
        self.db.execute("BEGIN")
        return _Transaction(self.db)

    def put_trials(self, records: list[tuple[TrialRecord, StoredRows]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO trials VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.slug, *r.stamp[0], *(r.stamp[1] or (None, None)), int(r.settled), r.digest, int(r.title_shared),
                 *rows)
                for r, rows in records
            ],
        )

    def drop_trials(self, slugs: list[str]) -> None:
        self.db.executemany("DELETE FROM trials WHERE slug=?", [(slug,) for slug in slugs])

    def put_outputs(self, outputs: Manifest, before: Manifest) -> None:
        """Record `outputs`, writing only what differs from `before` (what the state holds)."""
        self.db.executemany("DELETE FROM outputs WHERE path=?", [(p,) for p in sorted(before.keys() - outputs.keys())])
        # Carried entries are the very objects `before` holds: most are told apart by identity.
        changed = [(p, e) for p, e in outputs.items() if before.get(p) is not e]
        self.db.executemany(
            "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
            [(p, e.digest, e.key, e.kind.value) for p, e in changed if before.get(p) != e],
        )


class ExportMembers:
    """The gzip members of one export the last build wrote (`exports.gzipped`). When it
    `remember`s (a build's, in its transaction; not the preview's writer, on a connection of its
    own), it adds the members it is given and, at `forget_unused`, drops those not asked for."""

    def __init__(self, db: sqlite3.Connection, export: str, remember: bool):
        self.db, self.export, self.remember = db, export, remember
        self.used: set[bytes] = set()

    def get(self, key: bytes) -> bytes | None:
        self.used.add(key)
        row = self.db.execute("SELECT member FROM export_members WHERE export=? AND key=?", (self.export, key))
        found = row.fetchone()
        return found[0] if found else None

    def add(self, key: bytes, member: bytes) -> None:
        if self.remember:
            self.db.execute("INSERT OR REPLACE INTO export_members VALUES (?, ?, ?)", (self.export, key, member))

    def forget_unused(self) -> None:
        if not self.remember:
            return
        keys = [key for (key,) in self.db.execute("SELECT key FROM export_members WHERE export=?", (self.export,))]
        unused = [(self.export, key) for key in keys if key not in self.used]
        self.db.executemany("DELETE FROM export_members WHERE export=? AND key=?", unused)


class _Transaction:
    """Commit on success, roll back on any exception: the state never describes a build that
    did not land."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
