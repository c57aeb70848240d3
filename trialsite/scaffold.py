"""`trialsite new DIR`: a catalogue to start from, in an empty folder, like `mkdocs new`.

The files come from `scaffold/` in the package. The templates stay in the package, where a
catalogue's own `templates/` folder overrides them file by file; `--templates` copies them all
out for a catalogue that wants to change many.
"""

from __future__ import annotations

import os
import shutil
from importlib.metadata import version
from pathlib import Path

from .content import DRUGS_FILE, TRIALS_DIR, schema_path
from .errors import TrialsiteError
from .render.templates import TEMPLATES_DIR, TEMPLATES_FOLDER

SCAFFOLD_DIR = Path(__file__).resolve().parent / "scaffold"
# Package data leaves out files whose names start with a dot: these gain it when copied.
DOTTED = ("gitignore", "github")


def new_catalogue(directory: Path, with_templates: bool = False) -> list[Path]:
    """Write a new catalogue into `directory` (missing or empty); the files written."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise TrialsiteError(
            directory, "not an empty folder; `trialsite new` starts a catalogue in a new or empty folder"
        )
    written = []
    for source in sorted(SCAFFOLD_DIR.rglob("*")):
        if source.is_file():
            relative = source.relative_to(SCAFFOLD_DIR)
            first, *rest = relative.parts
            target = directory.joinpath("." + first if first in DOTTED else first, *rest)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_filled(source, target), "utf-8")
            written.append(target)
    (directory / "content" / TRIALS_DIR).mkdir(parents=True)
    if with_templates:
        shutil.copytree(TEMPLATES_DIR, directory / TEMPLATES_FOLDER, ignore=shutil.ignore_patterns("__pycache__"))
        written.append(directory / TEMPLATES_FOLDER)
    return written


def _filled(source: Path, target: Path) -> str:
    text = source.read_text("utf-8").replace("{trialsite_version}", version("trialsite"))
    if target.name == DRUGS_FILE:
        # As trial files do: the schema the installed package ships, from where the file is.
        ref = Path(os.path.relpath(schema_path("drugs"), target.parent.resolve())).as_posix()
        text = f"# yaml-language-server: $schema={ref}\n" + text
    return text
