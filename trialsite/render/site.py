"""`build`: content directory -> complete static site, swapped in only when all of it rendered.

Everything is rendered in memory first; a content or template error raises before a single file
is written, so the previous site stays as it was. The new site is written to a directory beside
the output and renamed into place, so a reader never sees half of one build and half of another.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError

from ..content import Content, InvalidContent, load_content
from ..errors import BuildError
from . import exports, feeds
from .config import SiteConfig
from .pages import Page, site_pages, trial_views
from .taxonomy import NOT_STATED, TAXONOMIES
from .urls import Urls, output_path

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = "static"


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: int
    trials: int


def build_site(
    content_dir: Path, out_dir: Path, config: SiteConfig, templates_dir: Path = TEMPLATES_DIR
) -> BuildResult:
    content = load_content(content_dir)
    if content.problems:
        raise InvalidContent(content.problems)
    _check_replaceable(out_dir, protected=(content_dir, templates_dir))
    files = render_site(
        content, config, template_environment(templates_dir, config), read_static(templates_dir)
    )
    publish(files, out_dir)
    return BuildResult(out_dir, len(files), len(content.trials))


def template_environment(templates_dir: Path, config: SiteConfig) -> Environment:
    # Autoescape everywhere: content is data and is never trusted as markup or template source.
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    urls = Urls(config.base_url)
    env.globals.update(
        url=urls.path, absolute=urls.absolute, site=config, taxonomies=TAXONOMIES, NOT_STATED=NOT_STATED
    )
    return env


def read_static(templates_dir: Path) -> dict[str, bytes]:
    """The stylesheet, script and icon, keyed by their site path (static/...)."""
    static_dir = templates_dir / STATIC_DIR
    files = sorted(path for path in static_dir.rglob("*") if path.is_file() and not path.name.startswith("."))
    return {f"{STATIC_DIR}/{path.relative_to(static_dir).as_posix()}": path.read_bytes() for path in files}


def render_site(
    content: Content, config: SiteConfig, env: Environment, static: dict[str, bytes]
) -> list[tuple[str, bytes]]:
    """Every file of the site as (path inside the site, bytes), sorted by path."""
    urls = Urls(config.base_url)
    views = trial_views(content)
    pages = site_pages(content, views, config, urls)
    files = {output_path(page.route): render_page(env, page) for page in pages}
    files[feeds.FEED_ROUTE] = feeds.atom_feed(views, config, urls)
    files[feeds.SITEMAP_ROUTE] = feeds.sitemap([page.route for page in pages if page.indexable], urls)
    files["robots.txt"] = feeds.robots(urls)
    files["trials.json"] = exports.trials_json(content.trials, urls)
    files["trials.csv"] = exports.trials_csv(content.trials, urls)
    files.update(static)
    return sorted(files.items())


def render_page(env: Environment, page: Page) -> bytes:
    """Render one page; a template mistake becomes a BuildError naming the template's file:line."""
    try:
        return env.get_template(page.template).render(page=page, **page.context).encode("utf-8")
    except TemplateSyntaxError as exc:
        raise BuildError(
            exc.filename or exc.name or page.template, exc.message or str(exc), exc.lineno
        ) from exc
    except Exception as exc:
        frame = _template_frame(exc, env)
        if frame is None:
            raise  # not a template's mistake: a bug, with its traceback
        raise BuildError(
            frame.filename, f"{type(exc).__name__}: {exc} (rendering {page.template})", frame.lineno
        ) from exc


def _template_frame(exc: Exception, env: Environment) -> traceback.FrameSummary | None:
    """The innermost traceback frame inside a template (Jinja maps those frames to template lines)."""
    roots = [str(Path(path).resolve()) for path in env.loader.searchpath]  # type: ignore[union-attr]
    frames = traceback.extract_tb(exc.__traceback__)
    return next((frame for frame in reversed(frames) if frame.filename.startswith(tuple(roots))), None)


def _check_replaceable(out_dir: Path, protected: tuple[Path, ...]) -> None:
    """Refuse an output directory whose replacement would delete something that is not a site."""
    resolved = out_dir.resolve()
    for path in protected:
        if resolved == path.resolve() or resolved in path.resolve().parents:
            raise BuildError(out_dir, f"refusing to build here: replacing it would delete {path}")
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(out_dir, "exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "index.html").is_file():
        raise BuildError(
            out_dir, "refusing to replace a directory that is not a built site (it has no index.html)"
        )


def publish(files: list[tuple[str, bytes]], out_dir: Path) -> None:
    """Write `files` to a new directory beside `out_dir`, then swap it in for the old one."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}-new-"))
    try:
        for path, data in files:
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read the site
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(new: Path, out_dir: Path) -> None:
    """Rename the old site aside, rename the new one in, and only then delete the old one."""
    if not out_dir.exists():
        os.replace(new, out_dir)
        return
    old = new.with_name(new.name.replace("-new-", "-old-", 1))  # unique, as mkdtemp made `new` unique
    os.replace(out_dir, old)
    try:
        os.replace(new, out_dir)
    except BaseException:
        os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
