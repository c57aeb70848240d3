"""`serve`: a local preview that rebuilds what an edit affects and reloads the browser.

livereload provides the browser side (its script and websocket), loaded from /livereload.js
rather than inline so the pages' Content-Security-Policy (script-src 'self') lets it run; the
rest is ours: a watcher that hears from the system which sources changed (never the output, so
the server's own writes cause no rebuild), rebuilds just what they affect and then tells
browsers to reload; and a WSGI app that serves only files under the site root, under the site's
base path, and answers every page with an error page while the content or templates are broken.
"""

from __future__ import annotations

import html
import mimetypes
import os
import shutil
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from wsgiref.types import StartResponse, WSGIEnvironment

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from .content import InvalidContent
from .errors import TrialsiteError, describe_os_error
from .lock import build_lock, site_kept
from .render import SiteBuilder, SiteConfig, load_config
from .render.background_index import STOP_WAIT, BackgroundIndexer
from .render.changes import file_stamp
from .render.plans import FilePlan
from .render.publish import LivePublisher
from .render.templates import TEMPLATES_DIR, template_dirs
from .render.urls import Urls
from .sitefolder import SiteFolder
from .sync import Regenerate, sync

SETTLE_MS = 20  # quiet after a save before rebuilding: an editor's save is one burst of writes
CONFIG_CHECK_MS = 500  # how often the settings file's stamp is checked when nothing else moves
RETRY_SECONDS = 1.0  # before watching again after an error


@dataclass
class Sources:
    """What the preview is built from; a change to any of these rebuilds it."""

    content: Path
    seeds: Path
    config: Path
    templates: Path = TEMPLATES_DIR

    def folders(self) -> list[Path]:
        """The folders to watch (the settings file is one file, checked by its stamp)."""
        return [path for path in (self.content, self.seeds, *template_dirs(self.templates)) if path.is_dir()]

    def config_stamp(self) -> tuple[int, int] | None:
        try:
            return file_stamp(self.config)
        except OSError:
            return None


@dataclass
class Preview:
    sources: Sources
    out_dir: Path
    base_url: str | None
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)
    problems: list[str] = field(default_factory=list)
    base_path: str = "/"
    builder: SiteBuilder | None = None  # kept between rebuilds: it remembers what it made
    publisher: LivePublisher | None = None  # the builder's: it holds the files left for later
    exports_writer: threading.Thread | None = None

    def _builder(self, config: SiteConfig) -> SiteBuilder:
        if self.builder is None or self.builder.config != config:
            self.publisher = LivePublisher(self.out_dir)
            sources = self.sources
            self.builder = SiteBuilder(sources.content, self.out_dir, config, sources.templates, self.publisher)
        return self.builder

    def rebuild(self, touched: Iterable[Path] | None = None) -> bool:
        """Build incrementally (`touched`: the files that changed, when known); on failure keep
        the last good pages on disk and remember why. Whether browsers should reload."""
        before = self.problems
        try:
            config = load_config(self.sources.config, self.base_url)
            self.base_path = Urls(config.base_url).base_path
            with build_lock(self.out_dir, on_wait=lambda message: self.log(f"serve: {message}")):
                result = self._builder(config).build(touched=touched)
        except InvalidContent as exc:
            self.problems = [str(problem) for problem in exc.problems]
        except TrialsiteError as exc:
            self.problems = [str(exc)]
        except OSError as exc:  # a full disk or a read-only output: say so on every page, keep serving
            self.problems = [describe_os_error(exc, self.out_dir)]
        else:
            self.problems = []
            if result.written or result.removed:
                self.log(f"serve: {len(result.written)} files rebuilt in {result.seconds * 1000:.0f} ms")
            return bool(before or result.written or result.removed)
        for problem in self.problems:
            self.log(f"serve: {problem}")
        return True

    def write_exports_in_background(self) -> None:
        """The open-data exports are large: written after browsers were told to reload."""
        if self.publisher is not None and self.publisher.deferred:
            writer = threading.Thread(target=self._write_exports, args=(self.publisher,), name="exports", daemon=True)
            writer.start()
            self.exports_writer = writer

    def stop(self) -> None:
        """Background work ends with the preview: the search index at once (Pagefind would run on
        for minutes at scale); exports being written get a few seconds. The next build clears any
        scratch folder left, and writes those exports again."""
        BackgroundIndexer.stop_all()
        if self.exports_writer is not None:
            self.exports_writer.join(STOP_WAIT)

    def _write_exports(self, publisher: LivePublisher) -> None:
        """Written beside the site, then moved in under the build lock, and only into the site
        they were made for: a `build` of the same folder meanwhile neither gets these files after
        its swap nor holds up the next edit's rebuild while they are written (seconds, at 50,000
        trials)."""
        site = SiteFolder(self.out_dir).identity()
        scratch = SiteFolder(self.out_dir).new_scratch("exports")
        written: dict[str, FilePlan] = {}
        try:
            written = publisher.write_deferred(scratch)
            with site_kept(self.out_dir, site, on_wait=lambda message: self.log(f"serve: exports: {message}")) as kept:
                for route in written if kept else ():
                    os.replace(scratch / route, self.out_dir / route)
        except (TrialsiteError, OSError) as exc:
            publisher.defer_again(written)
            self.log(f"serve: exports left for the next edit: {exc}")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def extract(self) -> None:
        """New and changed seeds, under extract's hand-edit protection."""
        try:
            report = sync(self.sources.seeds, self.sources.content, Regenerate.CHANGED_SEEDS)
        except TrialsiteError as exc:
            self.log(f"serve: {exc}")
            return
        for line in report.lines:
            if not line.startswith("unchanged"):
                self.log(f"serve: {line}")

    def app(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        """WSGI: files under the site root only; an error page for every page while broken."""
        path = environ.get("PATH_INFO", "/")
        if path == "/" and self.base_path != "/":
            start_response("302 Found", [("Location", self.base_path)])
            return [b""]
        target = resolve_request(self.out_dir, self.base_path, path)
        if target is None:
            return _respond(start_response, "404 Not Found", self._not_found_page())
        if target.is_dir():
            if not path.endswith("/"):
                start_response("301 Moved Permanently", [("Location", path + "/")])
                return [b""]
            target = target / "index.html"
        if self.problems and target.suffix == ".html":
            return _respond(start_response, "500 Internal Server Error", error_page(self.problems))
        if not target.is_file():
            return _respond(start_response, "404 Not Found", self._not_found_page())
        kind, encoding = mimetypes.guess_type(target.name)
        if encoding == "gzip":  # the gzipped exports are files to download, as a static host serves them
            kind = "application/gzip"
        kind = kind or "application/octet-stream"
        return _respond(start_response, "200 OK", target.read_bytes(), kind)

    def _not_found_page(self) -> bytes:
        if self.problems:
            return error_page(self.problems)
        page = self.out_dir / "404.html"
        return page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>Not found</title><head></head>Not found"


def resolve_request(out_dir: Path, base_path: str, path: str) -> Path | None:
    """The file a URL path names, or None when it is outside the base path or the site root
    (`..` in any encoding, a NUL, or a symlink that leads out)."""
    if not path.startswith(base_path):
        return None
    relative = unquote(path[len(base_path):])
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if any(part == ".." or "\\" in part or "\0" in part for part in parts):
        return None
    root = out_dir.resolve()
    target = root.joinpath(*parts).resolve() if parts else root
    if target != root and root not in target.parents:
        return None
    return target


def error_page(problems: list[str]) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(problem)}</code></li>" for problem in problems)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Build failed — trialsite preview</title>\n</head>\n<body>\n"
        "<h1>The site could not be built</h1>\n"
        "<p>Fix these and save: this page reloads by itself.</p>\n"
        f"<ul class=\"build-errors\">\n{items}\n</ul>\n</body>\n</html>\n"
    ).encode()


def _respond(
    start_response: StartResponse, status: str, body: bytes, kind: str = "text/html; charset=utf-8"
) -> list[bytes]:
    start_response(status, [("Content-Type", kind), ("Cache-Control", "no-store")])
    return [body]


class SourceWatcher(Watcher):
    """livereload's watcher slot, filled our way. The system tells us which source files changed
    the moment they do (watchfiles: inotify on Linux, no polling of tens of thousands of files);
    once saves have paused for SETTLE_MS, the preview rebuilds just those on this thread (pages
    keep being served meanwhile) and browsers are told to reload (livereload's own reload drops
    saves that come less than three seconds apart)."""

    def __init__(self, preview: Preview):
        super().__init__()
        self.preview = preview
        self.stopped = threading.Event()
        self.config_stamp = preview.sources.config_stamp()
        self.watch(str(preview.sources.content))  # so livereload does not watch the working directory

    def start(self, callback: Callable[[], None]) -> bool:
        loop = IOLoop.current()
        threading.Thread(target=self._run, args=(loop,), name="watcher", daemon=True).start()
        return True  # livereload need not poll: this thread reloads browsers itself

    def examine(self) -> tuple[None, None]:
        return None, None

    def _run(self, loop: IOLoop) -> None:
        while not self.stopped.is_set():
            try:
                self._watch(loop)
            except Exception:  # a bug, or a watched folder gone: say so, and keep the preview alive
                self.preview.log("serve: the watcher stopped on an error, watching again:\n" + traceback.format_exc())
                self.preview.builder = None  # start the next build afresh
                self.stopped.wait(RETRY_SECONDS)

    def _watch(self, loop: IOLoop) -> None:
        sources = self.preview.sources
        for changes in watchfiles.watch(
            *sources.folders(), watch_filter=_is_source, step=SETTLE_MS, rust_timeout=CONFIG_CHECK_MS,
            yield_on_timeout=True, stop_event=self.stopped, raise_interrupt=False,
        ):
            touched: set[Path] | None = {Path(path) for _, path in changes}
            if self.config_stamp != sources.config_stamp():
                self.config_stamp, touched = sources.config_stamp(), None
            elif not touched:
                continue
            if touched is None or any(sources.seeds in path.parents for path in touched):
                self.preview.extract()
                touched = None  # extract may have written any trial file
            if self.preview.rebuild(touched):
                loop.add_callback(LiveReloadHandler.reload_waiters, path="*")
            self.preview.write_exports_in_background()


def _is_source(change: watchfiles.Change, path: str) -> bool:
    """Not hidden files (extract's state, editors' temporary files), nor what editors leave."""
    return not os.path.basename(path).startswith(".") and watchfiles.DefaultFilter()(change, path)


class LiveServer(Server):
    """livereload's server with its reload script as a file, not inline: livereload would put
    an inline <script> into every page, which the site's Content-Security-Policy blocks. The
    script finds the websocket from its own address, so the port goes in the query."""

    def __init__(self, port: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.script_port = port

    def get_web_handlers(self, script: bytes) -> list[Any]:
        tag = f'<script src="/livereload.js?port={self.script_port}"></script>'.encode()
        return super().get_web_handlers(tag)  # type: ignore[no-any-return]  # livereload has no type hints


def serve(preview: Preview, host: str, port: int) -> None:
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the preview the way Ctrl-C does
    try:
        preview.extract()
        preview.rebuild()
        server = LiveServer(port, app=preview.app, watcher=SourceWatcher(preview))
        preview.log(f"serve: http://{host}:{port}{preview.base_path} (Ctrl-C stops)")
        server.serve(port=port, host=host, debug=False)  # returns on Ctrl-C
    finally:
        preview.stop()


def _interrupt(signal_number: int, frame: object) -> None:
    raise KeyboardInterrupt

