"""Faults while building: a build killed at any moment, a full disk, a read-only output, two
builds at once. After each, site/ is the old site or the new one, byte for byte, never a mix;
the message names the path and says what happened; the exit code is 3 (the machine, not the
input: fix it or wait, and run again); and the next build succeeds and clears what the failed
one left beside the output."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, scratch_folders
from trialsite import lock
from trialsite.cli import main
from trialsite.content import load_record
from trialsite.errors import OutputError
from trialsite.lock import build_lock
from trialsite.model import Trial
from trialsite.sitefolder import SiteFolder
from trialsite.sync import render_trial

N_TRIALS = 120  # above the engine's threshold for worker processes, so kills land in the pool too
KILLS = 6
SITE_TOML = 'title = "Fault Catalogue"\ndescription = "Trials for fault tests."\nbase_url = "/"\n'


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def without_search_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind names and fills its index files differently on every run, so two builds of the
    same content differ there; everything else must match byte for byte."""
    return {path: data for path, data in files.items() if not path.startswith("pagefind/")}


def is_whole_build_of(files: dict[str, bytes], reference: dict[str, bytes]) -> bool:
    return without_search_index(files) == without_search_index(reference) and (
        "pagefind/pagefind-entry.json" in files) == ("pagefind/pagefind-entry.json" in reference)


def leftovers(root: Path, name: str = "site") -> list[str]:
    """Staged and old sites, and scratch folders, beside the output."""
    staged = [p.name for p in root.iterdir() if p.name.startswith((f".{name}-new-", f".{name}-old-"))]
    return sorted(staged + scratch_folders(root))


def build_command(content: Path, out: Path) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out)]


def run_build(content: Path, out: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """`build.py build` in a process group of its own, killed whole if it outlives `timeout`."""
    process = subprocess.Popen(
        build_command(content, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"build did not finish in {timeout} s: {' '.join(build_command(content, out))}")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def two_catalogues(tmp_path_factory):
    """Two versions of a catalogue of N_TRIALS generated trials (B retitles every trial, so every
    page changes), and the site each builds into a directory of its own: the two acceptable
    states of site/."""
    root = tmp_path_factory.mktemp("faults")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), str(N_TRIALS), str(root / "gen"), "--jobs", "1"],
        check=True, capture_output=True, timeout=300,
    )
    a = root / "gen" / "content"
    b = root / "content-b"
    shutil.copytree(a, b)
    for path in (b / "trials").glob("*.yaml"):
        trial = load_record(path, Trial)
        path.write_text(render_trial(trial.model_copy(update={"title": f"Revised {trial.title}"})), "utf-8")
    sites = {}
    for name, content in (("a", a), ("b", b)):
        result = run_build(content, root / f"reference-{name}")
        assert result.returncode == 0, result.stderr
        sites[name] = tree(root / f"reference-{name}")
    assert without_search_index(sites["a"]) != without_search_index(sites["b"])
    return root, {"a": a, "b": b}, sites


def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_site(two_catalogues, tmp_path):
    _root, contents, sites = two_catalogues
    out = tmp_path / "site"
    assert run_build(contents["a"], out).returncode == 0
    current = "a"
    started = time.monotonic()
    full = run_build(contents["b"], out)
    assert full.returncode == 0, full.stderr
    duration = time.monotonic() - started
    current = "b"
    rng = random.Random(20260101)
    moments = sorted(rng.uniform(0.05, 1.0) * duration for _ in range(KILLS))
    outcomes = []
    for moment in moments:
        target = "a" if current == "b" else "b"
        before = tree(out)
        process = subprocess.Popen(
            build_command(contents[target], out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # the build and its worker processes, killed together
        )
        time.sleep(moment)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        now = tree(out)
        if now == before:
            outcomes.append((round(moment, 2), "old"))
        else:
            assert is_whole_build_of(now, sites[target]), (
                f"killed after {moment:.2f} s: site/ is neither the old nor the new site"
            )
            outcomes.append((round(moment, 2), "new"))
            current = target
    result = run_build(contents["a"], out)  # the next build succeeds, whatever the kills left
    assert result.returncode == 0, result.stderr
    assert is_whole_build_of(tree(out), sites["a"])
    assert leftovers(out.parent) == [], outcomes


def test_an_invalid_file_in_a_parallel_build_is_reported_not_hung(two_catalogues, tmp_path):
    """Problems found in worker processes travel back to the parent (they once could not be
    unpickled, and the pool waited for ever)."""
    _root, contents, _sites = two_catalogues
    content = tmp_path / "content"
    shutil.copytree(contents["a"], content)
    broken = sorted((content / "trials").glob("*.yaml"))[7]
    broken.write_text(broken.read_text("utf-8").replace("\nphase: ", "\nphase: Phase II\nx: ", 1), "utf-8")
    result = run_build(content, tmp_path / "site", timeout=60)
    assert result.returncode == 1
    assert f"{broken}:" in result.stderr and "x: unknown field" in result.stderr, result.stderr


def test_leftovers_of_killed_builds_are_cleared_and_a_missing_site_put_back(two_catalogues, tmp_path):
    _root, contents, sites = two_catalogues
    out = tmp_path / "site"
    assert run_build(contents["a"], out).returncode == 0
    (tmp_path / ".site-new-killed1").mkdir()
    (tmp_path / ".site-new-killed1" / "index.html").write_text("half", "utf-8")
    os.replace(out, tmp_path / ".site-old-killed2")  # killed between the two renames of a swap
    assert not out.exists()
    result = run_build(contents["a"], out)
    assert result.returncode == 0, result.stderr
    assert is_whole_build_of(tree(out), sites["a"])
    assert leftovers(tmp_path) == []


def test_the_next_build_clears_scratch_folders_whose_process_is_gone(two_catalogues, tmp_path):
    _root, contents, _sites = two_catalogues
    out = tmp_path / "site"
    ended = subprocess.Popen(["true"])  # its process id no longer runs
    ended.wait()
    (tmp_path / f".trialsite-exports-{ended.pid}-killed1").mkdir()
    (tmp_path / f".trialsite-exports-{ended.pid}-killed1" / "trials.json.gz").write_text("half", "utf-8")
    running = tmp_path / f".trialsite-search-{os.getpid()}-running"
    running.mkdir()
    assert run_build(contents["a"], out).returncode == 0
    assert leftovers(tmp_path) == [running.name]


def test_a_second_build_waits_for_the_first_and_both_finish(two_catalogues, tmp_path):
    _root, contents, sites = two_catalogues
    out = tmp_path / "site"
    first = subprocess.Popen(
        build_command(contents["a"], out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _holds_lock(out, first.pid):
        time.sleep(0.02)
    assert _holds_lock(out, first.pid), "the first build never took the lock"
    second = subprocess.Popen(
        build_command(contents["b"], out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, first_err = first.communicate(timeout=120)
    _, second_err = second.communicate(timeout=120)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert "waiting for another build" in second_err
    assert is_whole_build_of(tree(out), sites["b"])
    assert leftovers(tmp_path) == []


def _holds_lock(out: Path, pid: int) -> bool:
    try:
        return SiteFolder(out).lock.read_text("ascii").strip() == str(pid)
    except (OSError, UnicodeDecodeError):
        return False


@pytest.fixture
def small_project(tmp_path):
    (tmp_path / "site.toml").write_text(SITE_TOML, "utf-8")
    shutil.copytree(ROOT / "tests" / "fixtures" / "render" / "content", tmp_path / "content")
    return tmp_path


def build(root: Path, out: Path, *options: str) -> int:
    return main(root, ["build", "--content", str(root / "content"), "--out", str(out), *options])


def test_a_build_finding_another_at_work_gives_up_with_a_clear_message(small_project, capsys, monkeypatch):
    out = small_project / "site"
    assert build(small_project, out) == 0
    before = tree(out)
    monkeypatch.setattr(lock, "LOCK_WAIT", 0.3)
    fd = os.open(SiteFolder(out).lock, os.O_RDWR)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)  # another process's build, as far as this one can tell
        (small_project / "content" / "trials" / "complete.yaml").touch()
        assert build(small_project, out) == 3
    finally:
        os.close(fd)
    err = capsys.readouterr().err
    assert f"error: {out}: another build" in err and f"is writing {out}; nothing was changed" in err
    assert tree(out) == before


def test_the_lock_is_reentrant_within_one_process(tmp_path):
    with build_lock(tmp_path / "site"), build_lock(tmp_path / "site"):
        assert lock.is_held(tmp_path / "site")
    assert not lock.is_held(tmp_path / "site")


def test_another_thread_waits_for_the_lock_like_another_process(tmp_path, monkeypatch):
    monkeypatch.setattr(lock, "LOCK_WAIT", 0.3)
    outcome = []

    def second_writer():
        try:
            with build_lock(tmp_path / "site"):
                outcome.append("got it")
        except OutputError as exc:
            outcome.append(str(exc))

    with build_lock(tmp_path / "site"):
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(5)
    assert len(outcome) == 1 and "another build" in outcome[0]
    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(5)
    assert outcome[1] == "got it"


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[0]))


def test_a_full_disk_is_reported_with_the_file_and_the_old_site_kept(small_project, capsys, monkeypatch):
    """The disk fills while pages are written (simulated: every page write fails with ENOSPC)."""
    from trialsite.render import workers

    out = small_project / "site"
    assert build(small_project, out) == 0
    before = tree(out)
    capsys.readouterr()
    monkeypatch.setattr(workers, "atomic_write", _no_space)
    assert build(small_project, out, "--clean") == 3
    err = capsys.readouterr().err
    assert f"error: {out}/" in err and "No space left on device (the disk is full" in err, err
    assert f"build: failed; {out} was left as it was" in err
    assert tree(out) == before
    assert leftovers(small_project) == []


def _mount_tmpfs(directory: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    directory.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)]
    return subprocess.run(command, capture_output=True).returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "2m"):
        pytest.skip("mounting a tmpfs needs root and mount(8); the simulated full disk above still runs")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_really_full_disk_is_reported_and_the_old_site_kept(small_project, tiny_disk, capsys):
    out = tiny_disk / "site"
    assert build(small_project, out) == 0
    before = tree(out)
    filler = tiny_disk / "filler"
    # Fill the rest of the disk, unbuffered: a buffered file would keep the part of its last
    # chunk that did not fit and fail again on close, whenever the free space is not a whole
    # number of chunks.
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    capsys.readouterr()
    assert build(small_project, out, "--clean") == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and "the disk is full" in err and f"error: {tiny_disk}/" in err, err
    assert tree(out) == before
    filler.unlink()
    assert build(small_project, out, "--clean") == 0  # space again: the next build works
    assert leftovers(tiny_disk) == []


def test_a_read_only_output_is_reported_and_the_old_site_kept(small_project, tiny_disk, capsys):
    out = tiny_disk / "site"
    assert build(small_project, out) == 0
    before = tree(out)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True).returncode == 0
    (small_project / "content" / "trials" / "complete.yaml").touch()
    capsys.readouterr()
    assert build(small_project, out) == 3
    err = capsys.readouterr().err
    assert "Read-only file system (the file system is read-only; choose another --out" in err, err
    assert f"error: {tiny_disk}" in err
    assert tree(out) == before


def test_a_wrong_command_line_exits_2(small_project, capsys):
    with pytest.raises(SystemExit) as exited:
        main(small_project, ["build", "--no-such-option"])
    assert exited.value.code == 2


def test_a_bug_exits_70_with_its_traceback(small_project, capsys, monkeypatch):
    import trialsite.cli

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(trialsite.cli, "build_site", broken)
    assert build(small_project, small_project / "site") == 70
    err = capsys.readouterr().err
    assert "RuntimeError: a bug" in err and "an internal error in trialsite" in err
