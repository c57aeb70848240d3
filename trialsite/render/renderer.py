"""Rendering one page, or one trial, to bytes: Jinja templates with the site's settings and the
drug table. Template mistakes come out as `file:line: message`."""

from __future__ import annotations

import re
import time
import traceback
from dataclasses import replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, TemplateSyntaxError

from ..content import load_trial
from ..errors import BuildError
from ..model import DrugVocabulary
from ..provenance import read_sidecar
from . import exports
from .changes import is_settled, sidecar_of, trial_digest, trial_stamp
from .config import SiteConfig
from .pages import Page, trial_page
from .search import trial_page_entry
from .state import StoredRows, TrialRecord, stored_rows
from .templates import template_environment
from .trialview import trial_view
from .urls import Urls

ROW_TEMPLATE = "partials/trial_row.html"
# A line break and the indentation after it, up to a tag: the templates' layout (over 1 KB of a
# trial page), which a browser shows as one space, as it does the line break alone.
# Markup in content is escaped, so a "<" is always a tag: never inside an attribute or text.
_INDENTATION = re.compile(r"\n[ \t\r\n]+(?=<|\Z)")  # \Z: the end, or a <pre> split off
_PREFORMATTED = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.S)  # where every space shows


def drug_class_table(vocabulary: DrugVocabulary) -> dict[str, str]:
    """Drug class by case-folded canonical name, from the curated vocabularies (never DrugBank's
    data, which only extraction loads)."""
    return {drug.name.casefold(): drug.drug_class for drug in vocabulary.drugs if drug.drug_class}


class Renderer:
    """Everything a process needs to render pages: templates, settings, the drug table."""

    def __init__(self, templates_dir: Path, config: SiteConfig, drug_classes: dict[str, str]):
        self.env = template_environment(templates_dir, config)
        for name in self.env.list_templates(extensions=["html"]):  # compiled once, before workers fork
            try:
                self.env.get_template(name)
            except TemplateSyntaxError as exc:
                raise _located(exc, name) from exc
        self.config = config
        self.urls = Urls(config.base_url)
        self.drug_classes = drug_classes

    def page(self, page: Page) -> bytes:
        """Render one page; a template mistake becomes a BuildError naming the template's file:line."""
        try:
            html = self.env.get_template(page.template).render(page=page, **page.context)
            return without_indentation(html).encode("utf-8")
        except TemplateSyntaxError as exc:
            raise _located(exc, page.template) from exc
        except Exception as exc:
            frame = _template_frame(exc, self.env)
            if frame is None:
                raise  # not a template's mistake: a bug, with its traceback
            message = f"{type(exc).__name__}: {exc} (rendering {page.template})"
            raise BuildError(frame.filename, message, frame.lineno) from exc

    def trial(self, slug: str, path: Path, title_shared: bool) -> tuple[TrialRecord, StoredRows, bytes]:
        read_at = time.time_ns()
        stamp = trial_stamp(path)
        # Digested before it is parsed: a write in between makes the next build read it again.
        digest = trial_digest(path)
        trial = load_trial(path)
        view = trial_view(slug, trial, read_sidecar(sidecar_of(path)))
        row = without_indentation(self.env.get_template(ROW_TEMPLATE).render(trial=view.listing))
        view = replace(view, listing=replace(view.listing, row_html=row))
        html = self.page(trial_page(view, title_shared, self.config, self.urls, self.drug_classes))
        rows = stored_rows(view.listing, exports.export_rows(slug, trial, self.urls))
        settled = is_settled(stamp, read_at)
        return TrialRecord(slug, stamp, settled, digest, title_shared, view.listing, trial_page_entry(html)), rows, html


def without_indentation(html: str) -> str:
    """`html` without the indentation of its lines (a line break stays), except inside <pre> and
    <textarea> (Markdown in content may make a <pre>)."""
    if "<pre" not in html and "<textarea" not in html:
        return _INDENTATION.sub("\n", html)
    parts = _PREFORMATTED.split(html)  # text, preformatted element, its tag name, text, ...
    return "".join(_INDENTATION.sub("\n", part) if i % 3 == 0 else part for i, part in enumerate(parts) if i % 3 != 2)


def _located(exc: TemplateSyntaxError, template: str) -> BuildError:
    return BuildError(exc.filename or exc.name or template, exc.message or str(exc), exc.lineno)


def _template_frame(exc: Exception, env: Environment) -> traceback.FrameSummary | None:
    """The innermost traceback frame inside a template (Jinja maps those frames to template lines)."""
    assert isinstance(env.loader, FileSystemLoader)
    roots = [str(Path(path).resolve()) for path in env.loader.searchpath]
    frames = traceback.extract_tb(exc.__traceback__)
    return next((frame for frame in reversed(frames) if frame.filename.startswith(tuple(roots))), None)
