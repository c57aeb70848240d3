"""`content/.extract-state.json`: what extract wrote, so that no one's hand edit is overwritten.

For each seed: the content file it became, the seed's hash and the hash of the bytes extract
wrote. A file whose bytes no longer have that hash was edited by hand. `extract` and `migrate`
both keep it (migrate rewrites unedited files, so it records their new hash).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .content import TRIALS_DIR
from .errors import TrialsiteError
from .fsutil import atomic_write

STATE_FILE = ".extract-state.json"
_STATE_KEYS = {"file", "seed_sha256", "written_sha256"}
# The state's entries by seed file name, or by registry id for a trial of a registry export:
# {"file": ..., "seed_sha256": ..., "written_sha256": ...}, and for a registry trial "fields", a
# digest per field, so that a later export can name the fields that changed.
State = dict[str, dict[str, Any]]
# What extract itself writes: a hand-edited state can never make it write outside content/trials/.
_STATE_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.yaml")


def load_state(content_dir: Path) -> State:
    path = content_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        state: State = json.loads(path.read_text("utf-8"))["seeds"]  # any JSON until checked here
        for seed, entry in state.items():  # (JSON's keys are always strings)
            if not (_STATE_KEYS.issubset(entry) and all(isinstance(entry[k], str) for k in _STATE_KEYS)):
                raise ValueError(f"entry {seed!r} is not a record of {', '.join(sorted(_STATE_KEYS))}")
            if not _STATE_FILE_NAME.fullmatch(entry["file"]):
                raise ValueError(f"entry {seed!r} names {entry['file']!r}, not a file in {TRIALS_DIR}/")
        return state
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TrialsiteError(path, f"unreadable extract state ({exc}); restore it from version control") from exc


def save_state(content_dir: Path, state: State) -> None:
    text = json.dumps({"seeds": state}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(content_dir / STATE_FILE, text)
