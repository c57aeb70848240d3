"""Where templates and static files come from: a catalogue's own `templates/` folder first, then
the package's, file by file, so a catalogue holds only the files it changes."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .config import SiteConfig
from .taxonomy import NOT_STATED, TAXONOMIES
from .urls import Urls

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = PACKAGE_DIR / "templates"  # the package's; a catalogue's templates/ overrides them
TEMPLATES_FOLDER = "templates"  # a catalogue's own templates, beside its site.toml
STATIC_DIR = "static"


def template_dirs(templates_dir: Path) -> list[Path]:
    """Where templates and static files are looked up, the first match winning: `templates_dir`
    (a catalogue's own, which needs to hold only the files it changes), then the package's."""
    return list(dict.fromkeys([templates_dir, TEMPLATES_DIR]))


def template_environment(templates_dir: Path, config: SiteConfig) -> Environment:
    # Autoescape everywhere: content is data and is never trusted as markup or template source.
    env = Environment(
        loader=FileSystemLoader(template_dirs(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one set of templates: no stat() per include
    )
    urls = Urls(config.base_url)
    env.globals.update(
        url=urls.path, absolute=urls.absolute, site=config, taxonomies=TAXONOMIES, NOT_STATED=NOT_STATED
    )
    return env


def read_static(templates_dir: Path) -> dict[str, bytes]:
    """The stylesheet, scripts and icon, keyed by their site path (static/...); a catalogue's
    own file of a name replaces the package's."""
    found: dict[str, bytes] = {}
    for folder in reversed(template_dirs(templates_dir)):
        static_dir = folder / STATIC_DIR
        for path in sorted(static_dir.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[f"{STATIC_DIR}/{path.relative_to(static_dir).as_posix()}"] = path.read_bytes()
    return dict(sorted(found.items()))
