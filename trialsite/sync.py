"""`extract`: seeds -> content files, without ever overwriting an editor's work.

The extract state (`extract_state.py`) remembers, for each seed, which content file it became,
the seed's hash and the hash of the bytes extract wrote. A content file whose bytes differ from
what extract wrote has been edited by hand and is never overwritten.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import TRIALS_DIR, drug_vocabulary, schema_path
from .errors import ContentError, SeedError, printable
from .extract import extract_cited, extract_registry_cited
from .extract.drugs import DrugIndex
from .extract.merge import Extracted, by_authority, likeness_key, look_alike_note, merge
from .extract_state import State, load_state, save_state
from .fsutil import atomic_write, sha256_bytes
from .model import Trial
from .provenance import Fact, Provenance, save_provenance, sidecar_path
from .registry_seeds import choose_sources, registry_layout, registry_records
from .report import Report
from .seeds import RegistryRecord, check_document, find_seeds, read_seed
from .slugs import ascii_slug
from .yamlio import dump, parse


class Regenerate(enum.Enum):
    """Which existing files extract may write again. A hand-edited file is never among them."""

    NEW_SEEDS = "new"  # `extract`: files for new seeds only
    CHANGED_SEEDS = "changed"  # `serve`: also files whose seed changed since they were written
    ALL = "all"  # `extract --force`: every file nobody edited, and files deleted by hand


# The schema that ships in the package, relative to content/trials/ in this checkout's layout.
SCHEMA_REF = "../../trialsite/schemas/trial.schema.json"
MAX_SLUG = 60
REGISTRY_LAYOUTS = ("ctgov-api", "ctgov-csv")


def slugify(text: str) -> str:
    slug = ascii_slug(text)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug or "trial"


def base_slug(trial: Trial) -> str:
    return trial.nct_id.lower() if trial.nct_id else slugify(trial.title)


def schema_ref(trials_dir: Path) -> str:
    """The trial schema of the installed trialsite as seen from `trials_dir`, for an editor's
    YAML language server: SCHEMA_REF in this checkout, and wherever trialsite is installed from a
    catalogue anywhere else."""
    return Path(os.path.relpath(schema_path("trial"), os.path.abspath(trials_dir))).as_posix()


def render_trial(trial: Trial, schema: str = SCHEMA_REF) -> str:
    seed_name = "".join(ch if ch.isprintable() else "?" for ch in trial.source.file)  # one comment line
    header = (
        f"# yaml-language-server: $schema={schema}\n"
        f"# Extracted from seeds/{seed_name}. Edit freely: extract never overwrites a file\n"
        "# that has been edited by hand. A null or [] means the source does not say.\n"
    )
    return header + dump(trial.model_dump(mode="json"))


def sync(seeds_dir: Path, content_dir: Path, regenerate: Regenerate = Regenerate.NEW_SEEDS) -> Report:
    """Extract every seed into `content_dir`, respecting hand edits; report what happened."""
    report = Report("extract")
    trials_dir = content_dir / TRIALS_DIR
    state = load_state(content_dir)
    drug_index = DrugIndex.from_vocabulary(drug_vocabulary(content_dir), lambda: _shown_drugs(trials_dir))
    schema = schema_ref(trials_dir)
    taken = {entry["file"] for entry in state.values()}
    target = Target(trials_dir, state, taken, schema)
    documents: list[Extracted] = []
    exports: list[tuple[Path, str]] = []
    for path in find_seeds(seeds_dir):
        try:
            if not path.name.isprintable():
                raise SeedError(path, "the file name holds control or invisible characters; rename the file")
            check_document(path)
            layout = registry_layout(path)
            if layout:
                exports.append((path, layout))
                continue
            seed = read_seed(path)
            documents.append(Extracted(*extract_cited(seed, drug_index), seed.file))
        except OSError as exc:
            report.fail(printable(f"{path}: cannot read: {exc.strerror}"))
        except SeedError as exc:
            report.fail(str(exc))
        except Exception as exc:  # an extractor bug must not stop the other seeds
            report.fail(f"{path}: extraction failed ({type(exc).__name__}: {exc}); please report this")
    by_id, alone = _by_registry_id(documents)
    look_alikes = LookAlikes(alone, by_id)
    if exports:
        sync_exports(exports, drug_index, target, regenerate, report, Pending(by_id, look_alikes))
    for group in by_id.values():
        _sync_group(group, target, regenerate, report, look_alikes)
    for item in alone:
        _sync_group([item], target, regenerate, report, look_alikes)
    save_state(content_dir, state)
    return report


def _by_registry_id(documents: list[Extracted]) -> tuple[dict[str, list[Extracted]], list[Extracted]]:
    """The documents of each registry id, and those that state none."""
    by_id: dict[str, list[Extracted]] = {}
    alone = []
    for item in documents:
        if item.trial.nct_id:
            by_id.setdefault(item.trial.nct_id, []).append(item)
        else:
            alone.append(item)
    return by_id, alone


def sync_exports(
    exports: list[tuple[Path, str]],
    drug_index: DrugIndex,
    target: Target,
    regenerate: Regenerate,
    report: Report,
    pending: Pending | None = None,
) -> None:
    """Each trial of the registry exports, once, keyed by its registry id, with the documents of
    `pending` that state the same id. A newer export refreshes what nobody edited, so `extract`
    regenerates a changed record's file; hand-edited files are kept and the fields whose source
    changed are named."""
    pending = pending or Pending({}, LookAlikes([], {}))
    chosen = choose_sources(exports)
    for note in chosen.notes:
        report.add("duplicate", note)
    for path, layout in exports:
        for record in registry_records(path, layout):
            if isinstance(record, SeedError):
                report.fail(str(record))
            elif chosen.winners.get(record.nct_id) == (record.file, record.where):
                extracted = _extract_record(record, drug_index, report)
                if extracted is not None:
                    group = [extracted, *pending.by_id.pop(record.nct_id, [])]
                    _sync_group(group, target, regenerate, report, pending.look_alikes)


def _extract_record(record: RegistryRecord, drug_index: DrugIndex, report: Report) -> Extracted | None:
    name = f"{record.file} {record.where}" if record.where != "the study" else record.file
    try:
        return Extracted(*extract_registry_cited(record, drug_index), name)
    except SeedError as exc:
        report.fail(str(exc))
    except Exception as exc:  # an extractor bug must not stop the other trials
        report.fail(f"{name}: extraction failed ({type(exc).__name__}: {exc}); please report this")
    return None


def _sync_group(
    group: list[Extracted], target: Target, regenerate: Regenerate, report: Report, look_alikes: LookAlikes
) -> None:
    """The documents of one trial, as one content file. A trial of several documents, or of a
    registry export, is refreshed when a document changes or arrives, unless edited by hand."""
    merged = look_alikes.noted(merge(group))
    shared = len(group) > 1 or any(item.trial.source.layout in REGISTRY_LAYOUTS for item in group)
    mode = Regenerate.CHANGED_SEEDS if shared and regenerate is Regenerate.NEW_SEEDS else regenerate
    key = merged.trial.nct_id if shared else merged.trial.source.file
    sha = group[0].trial.source.sha256 if len(group) == 1 else sha256_bytes(
        " ".join(sorted(item.trial.source.sha256 for item in group))
    )
    fields = field_digests(merged.trial) if key != merged.trial.source.file else None
    documents = tuple(dict.fromkeys(item.trial.source.file for item in by_authority(group)))
    origin = Origin(key or merged.trial.source.file, sha, merged.document, fields, documents)
    _claim_entry(target.state, origin.key, [item.trial.source.file for item in group] + [str(merged.trial.nct_id)])
    _sync_safely(origin, merged, target, mode, report)


def _claim_entry(state: State, key: str, former_keys: list[str]) -> None:
    """A trial first extracted from one document keeps its file when another document of it
    arrives: the state's entry moves from the document's key to the trial's."""
    if key in state:
        return
    for former in former_keys:
        if former in state and former != key:
            state[key] = state.pop(former)
            return


@dataclass
class Pending:
    by_id: dict[str, list[Extracted]]  # documents waiting for the registry record of their id
    look_alikes: LookAlikes


class LookAlikes:
    """Documents without a registry id that look like another trial (same title and sponsor):
    never merged, but `review` on each names the other."""

    def __init__(self, alone: list[Extracted], by_id: dict[str, list[Extracted]]):
        self._names: dict[tuple[str, str], list[str]] = {}
        for item in alone + [item for group in by_id.values() for item in group]:
            self._names.setdefault(likeness_key(item.trial), []).append(item.trial.source.file)
        self._alone = {likeness_key(item.trial) for item in alone}

    def noted(self, item: Extracted) -> Extracted:
        key = likeness_key(item.trial)
        if key not in self._alone:
            return item
        mine = {item.trial.source.file, *item.document.split(" + ")}
        others = [name for name in self._names[key] if name not in mine]
        if not others:
            return item
        review = [*item.trial.review, look_alike_note(", ".join(others))]
        return dataclasses.replace(item, trial=item.trial.model_copy(update={"review": review}))


def field_digests(trial: Trial) -> dict[str, str]:
    """A short digest of each field extraction fills, so a later export can say which changed."""
    record = trial.model_dump(mode="json", exclude={"source", "review"})
    return {
        name: sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False))[:12] for name, value in record.items()
    }


def _shown_drugs(trials_dir: Path) -> Iterator[str]:
    """The drug names the catalogue's trials show, so that a drug extract finds again under another
    of its names keeps the page it has. A file that does not parse shows none."""
    for path in sorted(trials_dir.glob("*.yaml")):
        try:
            record = parse(path.read_text("utf-8"), str(path))
        except (OSError, UnicodeDecodeError, ContentError):
            continue
        drugs = record.get("drugs") if isinstance(record, dict) else None
        yield from (name for name in drugs if isinstance(name, str)) if isinstance(drugs, list) else ()


@dataclass(frozen=True)
class Origin:
    """Where a content file comes from, as the state keeps it."""

    key: str  # the state's key: the seed's file name, or a registry record's NCT id
    sha256: str  # of the seed, or of the registry record
    name: str  # as reports name it: 'a.txt', 'export.csv row 4'
    fields: dict[str, str] | None = None  # registry trials: a digest per field, to name what changed
    documents: tuple[str, ...] = ()  # every document the trial was read from, most authoritative first


@dataclass
class Target:
    trials_dir: Path
    state: State
    taken: set[str]  # file names in use, kept here: a 20,000-trial export must not rescan them per trial
    schema: str


def _sync_safely(origin: Origin, item: Extracted, target: Target, regenerate: Regenerate, report: Report) -> None:
    text = render_trial(item.trial, target.schema)
    try:
        _sync_one(origin, item, text, target, regenerate, report)
    except OSError as exc:  # e.g. a full disk, or a directory where a content file should be
        where = exc.filename or target.trials_dir
        report.fail(printable(f"{where}: {exc.strerror}; {origin.name} not extracted"))


def _sync_one(
    origin: Origin, item: Extracted, text: str, target: Target, regenerate: Regenerate, report: Report
) -> None:
    entry = target.state.get(origin.key)
    written = Written(origin, text, item.facts)
    if entry is None:
        slug = _unique_slug(base_slug(item.trial), target)
        _write(target.trials_dir / f"{slug}.yaml", written, target)
        report.add("created", f"created {TRIALS_DIR}/{slug}.yaml from {origin.name}")
        return
    path = target.trials_dir / entry["file"]
    shown = f"{TRIALS_DIR}/{entry['file']}"
    seed_changed = entry["seed_sha256"] != origin.sha256
    if not path.exists():
        if regenerate is Regenerate.ALL:
            _write(path, written, target)
            report.add("recreated", f"recreated {shown} (it had been deleted)")
        else:
            report.add("deleted", f"kept deleted: {shown} was removed by hand; --force recreates it")
        return
    current = sha256_bytes(path.read_bytes())
    if current != entry["written_sha256"]:
        note = f" {_changed(entry, origin)}: merge by hand." if seed_changed else ""
        report.add("hand-edited", f"kept hand-edited {shown}; not overwritten.{note}")
    elif current == sha256_bytes(text):
        if not sidecar_path(target.trials_dir.parent, path.name).exists():  # written before provenance was
            _write(path, written, target)
        report.add("unchanged", f"unchanged {shown}")
    elif regenerate is Regenerate.ALL or (seed_changed and regenerate is Regenerate.CHANGED_SEEDS):
        _write(path, written, target)
        report.add("regenerated", f"regenerated {shown} from {origin.name}")
    else:
        why = "its seed has changed" if seed_changed else "extraction gives a different result"
        report.add("stale", f"stale {shown}: {why}; --force regenerates it")


def _changed(entry: dict[str, Any], origin: Origin) -> str:
    """What changed in the source; for a registry record, the fields whose value changed."""
    before = entry.get("fields")
    new = [name for name in origin.documents if name not in entry.get("documents", origin.documents)]
    if new:
        return f"A new source for it since: {', '.join(new)}"
    if origin.fields is None:
        return "Its seed has changed since"
    names = [name for name, digest in origin.fields.items() if isinstance(before, dict) and before.get(name) != digest]
    return f"Its registry record ({origin.name}) has changed since, in: {', '.join(names) or 'no field extract reads'}"


@dataclass(frozen=True)
class Written:
    origin: Origin
    text: str
    facts: list[Fact]


def _write(path: Path, written: Written, target: Target) -> None:
    """The content file, then its provenance sidecar: both only when extract may write the file."""
    origin, text = written.origin, written.text
    atomic_write(path, text)
    documents = list(origin.documents or (origin.name,))
    save_provenance(target.trials_dir.parent, Provenance(trial=path.name, documents=documents, facts=written.facts))
    entry: dict[str, Any] = {"file": path.name, "seed_sha256": origin.sha256, "written_sha256": sha256_bytes(text)}
    if origin.fields is not None:
        entry["fields"] = origin.fields
    entry["documents"] = documents
    target.state[origin.key] = entry
    target.taken.add(path.name)


def _unique_slug(base: str, target: Target) -> str:
    slug, n = base, 2
    while f"{slug}.yaml" in target.taken or (target.trials_dir / f"{slug}.yaml").exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
