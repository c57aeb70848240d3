"""The command line: parse arguments, call one pipeline stage, print its report, set the exit code.

Exit codes, for scripts:

  0  done
  1  a problem in the input: a seed refused, content invalid, a template or site.toml error.
     Every problem is printed as `file[:line]: message`; fix those files and run again.
  2  the command line itself is wrong (unknown command or option)
  3  the machine stopped it, not the input: the output cannot be written (a full disk, a
     read-only directory, no permission) or another build is writing the same site. The input
     may be fine: fix that, or wait, and run again.
  70 a bug in trialsite (a traceback is printed); please report it
  130 interrupted (Ctrl-C)

A build that fails with any of these leaves the previous site exactly as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from .content import InvalidContent, load_content, load_trial, schema_path
from .duplicates import duplicate_registry_ids
from .errors import OutputError, TrialsiteError, describe_os_error, printable
from .explain import explain_lines, stale_citations
from .lock import build_lock
from .model import DrugVocabulary, Trial
from .provenance import load_provenance
from .render import CONFIG_FILE, BuildResult, build_site, load_config
from .render.templates import TEMPLATES_FOLDER
from .sitefolder import SiteFolder

SCHEMAS: dict[str, type[BaseModel]] = {"trial": Trial, "drugs": DrugVocabulary}
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_OUTPUT, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130
# GitHub Pages refuses a published site over 1 GB; warn while there is still room.
PAGES_LIMIT = 1024**3
PAGES_WARNING = int(PAGES_LIMIT * 0.8)
# SQLite's words for a build state it cannot write (it gives no errno); anything else is a bug.
_STORAGE_TROUBLE = re.compile(r"disk is full|readonly|read-only|unable to open|disk I/O error", re.IGNORECASE)


def run() -> int:
    """The `trialsite` command: the catalogue is the current directory (`build.py` passes its own)."""
    return main(Path.cwd())


def main(root: Path, argv: list[str] | None = None) -> int:
    args = _parser(root).parse_args(argv)
    try:
        run: Callable[[argparse.Namespace, Path], int] = args.run
        return run(args, root)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        code = report_error(exc, getattr(args, "out", None))
        if code is None:
            traceback.print_exc()
            print("error: an internal error in trialsite (the traceback is above); please report it", file=sys.stderr)
            return EXIT_BUG
        return code


def report_error(exc: BaseException, out: Path | None = None) -> int | None:
    """Print a user's error the one way it is printed and give its exit code; None for a bug."""
    if isinstance(exc, InvalidContent):
        _print_problems(exc.problems)
        return EXIT_INVALID
    if isinstance(exc, TrialsiteError):
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_OUTPUT if isinstance(exc, OutputError) else EXIT_INVALID
    if isinstance(exc, OSError):
        print(f"error: {describe_os_error(exc, out)}", file=sys.stderr)
        return EXIT_OUTPUT
    if isinstance(exc, sqlite3.OperationalError) and out is not None and _STORAGE_TROUBLE.search(str(exc)):
        print(printable(f"error: {SiteFolder(out).state}: {exc} ({_storage_hint(out)})"), file=sys.stderr)
        return EXIT_OUTPUT
    return None


def _parser(root: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Build the trial catalogue.")  # prog: build.py or trialsite
    parser.set_defaults(
        run=_run_default, seeds=root / "seeds", content=root / "content", out=root / "site", base_url=None, clean=False
    )
    commands = parser.add_subparsers(title="commands")

    extract = commands.add_parser("extract", help="extract new seeds into content/ YAML")
    extract.add_argument("--seeds", type=Path, default=root / "seeds")
    extract.add_argument("--content", type=Path, default=root / "content")
    extract.add_argument("--force", action="store_true", help="regenerate files not edited by hand")
    extract.set_defaults(run=_run_extract)

    check = commands.add_parser("check", help="validate content/ against the model")
    check.add_argument("--content", type=Path, default=root / "content")
    check.add_argument("--seeds", type=Path, default=root / "seeds", help="where provenance points (default: seeds/)")
    check.set_defaults(run=_run_check)

    explain = commands.add_parser("explain", help="print a trial's facts with the documents and lines they came from")
    explain.add_argument("file", type=Path, help="a content file, e.g. content/trials/nct01234567.yaml")
    explain.set_defaults(run=_run_explain)

    migrate = commands.add_parser("migrate", help="write into content/ the keys of fields this trialsite version added")
    migrate.add_argument("--content", type=Path, default=root / "content")
    migrate.set_defaults(run=_run_migrate)

    build = commands.add_parser("build", help="render content/ into the static site")
    build.add_argument("--content", type=Path, default=root / "content")
    build.add_argument("--out", type=Path, default=root / "site", help="output directory (default: site/)")
    build.add_argument("--base-url", help=f"override {CONFIG_FILE}'s base_url, e.g. https://user.github.io/repo/")
    build.add_argument("--clean", action="store_true", help="ignore what earlier builds left: a full build")
    build.set_defaults(run=_run_build)

    serve = commands.add_parser("serve", help="preview the site, rebuilding and reloading on every edit")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1 only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--seeds", type=Path, default=root / "seeds")
    serve.add_argument("--content", type=Path, default=root / "content")
    serve.add_argument("--out", type=Path, default=root / "site", help="output directory (default: site/)")
    serve.add_argument("--base-url", help=f"override {CONFIG_FILE}'s base_url")
    serve.set_defaults(run=_run_serve)

    new = commands.add_parser("new", help="start a catalogue in a new or empty folder")
    new.add_argument("directory", type=Path)
    new.add_argument("--templates", action="store_true", help="copy the templates out, to change them")
    new.set_defaults(run=_run_new)

    schema = commands.add_parser("schema", help="write the model's JSON Schemas into the package (trialsite/schemas/)")
    schema.set_defaults(run=_run_schema)
    return parser


def _storage_hint(out: Path) -> str:
    """Why the build state beside `out` cannot be written, as far as the file system tells."""
    try:
        fs = os.statvfs(out.parent)
    except OSError:
        return "the build state beside the output cannot be written"
    if fs.f_flag & os.ST_RDONLY:
        return "the file system is read-only; choose another --out or make it writable"
    if fs.f_bavail * fs.f_frsize < 1024 * 1024:
        return "No space left on device: the disk is full; free some space and build again"
    return "the build state beside the output cannot be written: check the directory's permissions"


def _run_default(args: argparse.Namespace, root: Path) -> int:
    """Extract new seeds, then build. If extract itself crashes (it raises) nothing is built; a
    seed that failed does not stop the build, since the rest of the catalogue is still worth
    publishing, but the run still ends non-zero so the failure is not missed."""
    args.force = False
    extracted = _run_extract(args, root)
    built = _run_build(args, root)
    return max(extracted, built)


def _run_extract(args: argparse.Namespace, root: Path) -> int:
    from .sync import Regenerate, sync  # the extractors: `build` and `check` never load them

    report = sync(args.seeds, args.content, Regenerate.ALL if args.force else Regenerate.NEW_SEEDS)
    for line in report.lines:
        print(line, file=sys.stderr if line.startswith("error:") else sys.stdout)
    print(report.summary())
    return EXIT_INVALID if report.failed else EXIT_OK


def _run_check(args: argparse.Namespace, root: Path) -> int:
    content = load_content(args.content)
    warnings = duplicate_registry_ids(args.content, content.trials)
    stale = list(stale_provenance(args.content, args.seeds, content.trials))
    _print_problems(
        sorted([*content.problems, *warnings, *stale], key=lambda problem: (problem.path, problem.line or 0))
    )
    print(
        f"check: {len(content.trials)} trials valid, {len(content.problems)} problems"
        + (f", {len(warnings)} warnings (files sharing a registry id)" if warnings else "")
        + (f", {len(stale)} warnings (provenance pointing at text that changed)" if stale else "")
    )
    if content.incomplete:
        keys = dict.fromkeys(key for missing in content.incomplete.values() for key in missing)
        files = "1 file leaves" if len(content.incomplete) == 1 else f"{len(content.incomplete)} files leave"
        print(
            f"check: {files} out fields the model has ({', '.join(keys)}), which read as not stated; "
            "run `trialsite migrate` to write them in"
        )
    return EXIT_INVALID if content.problems else EXIT_OK


def stale_provenance(content_dir: Path, seeds_dir: Path, trials: dict[str, Trial]) -> Iterator[TrialsiteError]:
    """Warnings for cited text a seed no longer says. A catalogue that keeps no seeds folder (its
    documents archived elsewhere once extracted) has nothing to compare: no warning then."""
    if not seeds_dir.is_dir():
        return
    for slug, trial in sorted(trials.items()):
        provenance = load_provenance(content_dir, f"{slug}.yaml")
        if provenance is not None:
            record = trial.model_dump(mode="json")
            yield from stale_citations(content_dir, seeds_dir, f"{slug}.yaml", record, provenance)


def _run_explain(args: argparse.Namespace, root: Path) -> int:
    if not args.file.is_file():
        raise TrialsiteError(args.file, "no such content file")
    trial = load_trial(args.file)  # a file that does not load is reported as by check
    provenance = load_provenance(args.file.parent.parent, args.file.name)
    if provenance is None:
        print(f"{args.file}: no provenance: extract did not write this file (or its sidecar is gone)")
        return EXIT_OK
    for line in explain_lines(trial.model_dump(mode="json"), provenance):
        print(line)
    return EXIT_OK


def _run_migrate(args: argparse.Namespace, root: Path) -> int:
    from .migrate import migrate

    report = migrate(args.content)
    for line in report.lines:
        print(line, file=sys.stderr if line.startswith("error:") else sys.stdout)
    print(report.summary())
    return EXIT_INVALID if report.failed else EXIT_OK


def _run_build(args: argparse.Namespace, root: Path) -> int:
    try:
        config = load_config(root / CONFIG_FILE, args.base_url)
        progress = TerminalProgress()
        try:
            with build_lock(args.out, on_wait=lambda message: print(f"build: {message}", file=sys.stderr)):
                result = build_site(args.content, args.out, config, root / TEMPLATES_FOLDER, args.clean, progress)
        finally:
            progress.close()
    except (InvalidContent, TrialsiteError, OSError, sqlite3.OperationalError) as exc:
        code = report_error(exc, args.out)
        if code is None:
            raise
    else:
        _print_build_summary(result)
        return EXIT_OK
    print(printable(f"build: failed; {args.out} was left as it was"), file=sys.stderr)
    return code


def _run_serve(args: argparse.Namespace, root: Path) -> int:
    from .serve import Preview, Sources, serve

    sources = Sources(
        content=args.content, seeds=args.seeds, config=root / CONFIG_FILE, templates=root / TEMPLATES_FOLDER
    )
    serve(Preview(sources, args.out, args.base_url), args.host, args.port)
    return 0


def _run_new(args: argparse.Namespace, root: Path) -> int:
    from .scaffold import new_catalogue

    for path in new_catalogue(args.directory, args.templates):
        print(f"wrote {path}")
    print(f"new: a catalogue in {args.directory}; drop seed documents into its seeds/, then run `trialsite` there")
    return EXIT_OK


def _print_build_summary(result: BuildResult) -> None:
    if not (result.written or result.removed):
        print(f"build: {result.trials} trials, {result.files} files; nothing changed ({result.seconds:.2f} s)")
        return
    size = site_size(result.out_dir)
    print(
        f"build: {result.trials} trials, {result.files} files ({len(result.written)} written, "
        f"{len(result.removed)} removed) in {result.seconds:.2f} s; {size / 1e6:.1f} MB in {result.out_dir}"
        + (f" ({pages_capacity(size, result.trials)})" if result.trials else "")
    )
    if size > PAGES_WARNING:
        print(
            f"warning: the site is {size / 1e6:.0f} MB; GitHub Pages refuses sites over {PAGES_LIMIT / 1e6:.0f} MB",
            file=sys.stderr,
        )


def pages_capacity(size: int, trials: int) -> str:
    """The site's bytes per trial, and how many trials GitHub Pages would take at that rate,
    rounded down to two figures: the rate includes what every site carries once (the search
    bundle, the styles), so it overstates the cost of a trial and the count errs low."""
    per_trial = size / trials
    fit = int(PAGES_LIMIT // per_trial)
    step = 10 ** max(len(str(fit)) - 2, 0)
    return f"{per_trial / 1e3:,.0f} KB a trial: about {fit // step * step:,} trials fit in GitHub Pages' 1 GB"


class TerminalProgress:
    """Counts on one terminal line, which each count overwrites; nothing when output is not a
    terminal. `close` ends a line a failure left open, so an error starts on a line of its own."""

    def __init__(self) -> None:
        self.line_open = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if sys.stderr.isatty() and (done == total or done % 200 == 0 or total < 200):
            self.line_open = done != total
            print(f"\r\x1b[K  {stage}: {done}/{total}", end="" if self.line_open else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.line_open:
            print(file=sys.stderr, flush=True)
            self.line_open = False


def site_size(out_dir: Path | str) -> int:
    total = 0
    with os.scandir(out_dir) as entries:
        for entry in entries:
            total += site_size(entry.path) if entry.is_dir(follow_symlinks=False) else entry.stat().st_size
    return total


def _print_problems(problems: Iterable[TrialsiteError]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def schema_text(name: str) -> str:
    return json.dumps(SCHEMAS[name].model_json_schema(by_alias=True), indent=2, ensure_ascii=False) + "\n"


def _run_schema(args: argparse.Namespace, root: Path) -> int:
    from .fsutil import atomic_write

    for name in SCHEMAS:
        atomic_write(schema_path(name), schema_text(name))
        print(f"wrote {schema_path(name)}")
    return 0
