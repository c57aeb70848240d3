"""`extract`: seeds -> content files, without ever overwriting an editor's work.

The extract state (`extract_state.py`) remembers, for each seed, which content file it became,
the seed's hash and the hash of the bytes extract wrote. A content file whose bytes differ from
what extract wrote has been edited by hand and is never overwritten.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import TRIALS_DIR, drug_vocabulary, schema_path
from .errors import ContentError, SeedError, printable
from .extract import extract, extract_registry
from .extract.drugs import DrugIndex
from .extract_state import State, load_state, save_state
from .fsutil import atomic_write, sha256_bytes
from .model import Trial
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
            trial = extract(seed, drug_index)
        except OSError as exc:
            report.fail(printable(f"{path}: cannot read: {exc.strerror}"))
            continue
        except SeedError as exc:
            report.fail(str(exc))
            continue
        except Exception as exc:  # an extractor bug must not stop the other seeds
            report.fail(f"{path}: extraction failed ({type(exc).__name__}: {exc}); please report this")
            continue
        origin = Origin(seed.file, seed.sha256, seed.file)
        _sync_safely(origin, trial, Target(trials_dir, state, taken, schema), regenerate, report)
    if exports:
        sync_exports(exports, drug_index, Target(trials_dir, state, taken, schema), regenerate, report)
    save_state(content_dir, state)
    return report


def sync_exports(
    exports: list[tuple[Path, str]], drug_index: DrugIndex, target: Target, regenerate: Regenerate, report: Report
) -> None:
    """Each trial of the registry exports, once, keyed by its registry id. A newer export
    refreshes what nobody edited, so `extract` regenerates a changed record's file; hand-edited
    files are kept and the fields whose source changed are named."""
    chosen = choose_sources(exports)
    for note in chosen.notes:
        report.add("duplicate", note)
    mode = Regenerate.CHANGED_SEEDS if regenerate is Regenerate.NEW_SEEDS else regenerate
    for path, layout in exports:
        for record in registry_records(path, layout):
            if isinstance(record, SeedError):
                report.fail(str(record))
            elif chosen.winners.get(record.nct_id) == (record.file, record.where):
                _sync_record(record, drug_index, target, mode, report)


def _sync_record(
    record: RegistryRecord, drug_index: DrugIndex, target: Target, mode: Regenerate, report: Report
) -> None:
    name = f"{record.file} {record.where}" if record.where != "the study" else record.file
    try:
        trial = extract_registry(record, drug_index)
    except SeedError as exc:
        report.fail(str(exc))
        return
    except Exception as exc:  # an extractor bug must not stop the other trials
        report.fail(f"{name}: extraction failed ({type(exc).__name__}: {exc}); please report this")
        return
    _sync_safely(Origin(record.nct_id, record.sha256, name, field_digests(trial)), trial, target, mode, report)


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
    fields: dict[str, str] | None = None  # registry records: a digest per field, to name what changed


@dataclass
class Target:
    trials_dir: Path
    state: State
    taken: set[str]  # file names in use, kept here: a 20,000-trial export must not rescan them per trial
    schema: str


def _sync_safely(origin: Origin, trial: Trial, target: Target, regenerate: Regenerate, report: Report) -> None:
    text = render_trial(trial, target.schema)
    try:
        _sync_one(origin, trial, text, target, regenerate, report)
    except OSError as exc:  # e.g. a full disk, or a directory where a content file should be
        where = exc.filename or target.trials_dir
        report.fail(printable(f"{where}: {exc.strerror}; {origin.name} not extracted"))


def _sync_one(origin: Origin, trial: Trial, text: str, target: Target, regenerate: Regenerate, report: Report) -> None:
    entry = target.state.get(origin.key)
    if entry is None:
        slug = _unique_slug(base_slug(trial), target)
        _write(target.trials_dir / f"{slug}.yaml", origin, text, target)
        report.add("created", f"created {TRIALS_DIR}/{slug}.yaml from {origin.name}")
        return
    path = target.trials_dir / entry["file"]
    shown = f"{TRIALS_DIR}/{entry['file']}"
    seed_changed = entry["seed_sha256"] != origin.sha256
    if not path.exists():
        if regenerate is Regenerate.ALL:
            _write(path, origin, text, target)
            report.add("recreated", f"recreated {shown} (it had been deleted)")
        else:
            report.add("deleted", f"kept deleted: {shown} was removed by hand; --force recreates it")
        return
    current = sha256_bytes(path.read_bytes())
    if current != entry["written_sha256"]:
        note = f" {_changed(entry, origin)}: merge by hand." if seed_changed else ""
        report.add("hand-edited", f"kept hand-edited {shown}; not overwritten.{note}")
    elif current == sha256_bytes(text):
        report.add("unchanged", f"unchanged {shown}")
    elif regenerate is Regenerate.ALL or (seed_changed and regenerate is Regenerate.CHANGED_SEEDS):
        _write(path, origin, text, target)
        report.add("regenerated", f"regenerated {shown} from {origin.name}")
    else:
        why = "its seed has changed" if seed_changed else "extraction gives a different result"
        report.add("stale", f"stale {shown}: {why}; --force regenerates it")


def _changed(entry: dict[str, Any], origin: Origin) -> str:
    """What changed in the source; for a registry record, the fields whose value changed."""
    before = entry.get("fields")
    if origin.fields is None:
        return "Its seed has changed since"
    names = [name for name, digest in origin.fields.items() if isinstance(before, dict) and before.get(name) != digest]
    return f"Its registry record ({origin.name}) has changed since, in: {', '.join(names) or 'no field extract reads'}"


def _write(path: Path, origin: Origin, text: str, target: Target) -> None:
    atomic_write(path, text)
    entry: dict[str, Any] = {"file": path.name, "seed_sha256": origin.sha256, "written_sha256": sha256_bytes(text)}
    if origin.fields is not None:
        entry["fields"] = origin.fields
    target.state[origin.key] = entry
    target.taken.add(path.name)


def _unique_slug(base: str, target: Target) -> str:
    slug, n = base, 2
    while f"{slug}.yaml" in target.taken or (target.trials_dir / f"{slug}.yaml").exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
