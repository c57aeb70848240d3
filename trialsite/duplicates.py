"""Trial files that share a registry id: most likely one trial published twice (extract merges
the documents of one id, but a file written or renamed by hand can repeat one). `check` warns at
each file, naming the others, so an editor
sees it before publishing; the site still builds, since both pages are valid and unpublishing a
catalogue over a duplicate would hide every trial in it."""

from __future__ import annotations

import re
from pathlib import Path

from .content import TRIALS_DIR
from .errors import ContentError
from .model import Trial

_NCT_LINE = re.compile(r"^nct_id:", re.MULTILINE)


def duplicate_registry_ids(content_dir: Path, trials: dict[str, Trial]) -> list[ContentError]:
    """One warning per file whose registry id another file also gives, at its `nct_id` line."""
    by_id: dict[str, list[str]] = {}
    for slug, trial in sorted(trials.items()):
        if trial.nct_id is not None:
            by_id.setdefault(trial.nct_id, []).append(slug)
    warnings = []
    for nct_id, slugs in sorted(by_id.items()):
        for slug in slugs if len(slugs) > 1 else ():
            path = content_dir / TRIALS_DIR / f"{slug}.yaml"
            others = ", ".join(f"{other}.yaml" for other in slugs if other != slug)
            warnings.append(ContentError(
                path,
                f"nct_id: {nct_id} is also the registry id of {others}: one trial on two pages? "
                "Keep one file, or correct the id",
                _line_of_nct_id(path),
            ))
    return warnings


def _line_of_nct_id(path: Path) -> int | None:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _NCT_LINE.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None
