"""`python build.py serve`: a live preview that follows every edit, in a real headless Chromium,
and a server that only ever serves files under the site root."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, fake_indexer, read_export, running, scratch_folders, serving, wait_for
from trialsite import serve
from trialsite.lock import build_lock
from trialsite.render import plans
from trialsite.serve import Preview, Sources, SourceWatcher, error_page, resolve_request

BASE_PATH = "/preview/"
TRIAL = "trials/nct07063888/"


def get(port: int, path: str) -> tuple[int, str]:
    """A raw GET: the path is sent exactly as given, `..` and all."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """A scratch project served by `serve` on a free loopback port, under a sub-path."""
    project = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copytree(ROOT / "seeds", project / "seeds")
    with serving(project, BASE_PATH) as (port, _):
        yield project, port


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_an_edit_error_and_fix_show_in_the_open_page_without_a_manual_reload(preview, browser):
    project, port = preview
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}{BASE_PATH}{TRIAL}")
    heading = page.locator("h1")
    assert heading.inner_text().startswith("A Prospective Phase II Study")
    yaml_file = project / "content" / "trials" / "nct07063888.yaml"
    good = yaml_file.read_text("utf-8")

    replace_in(yaml_file, "title: >-\n  A Prospective Phase II Study", "title: >-\n  Edited Live Phase II Study")
    page.locator("h1", has_text="Edited Live Phase II Study").wait_for(timeout=15000)

    yaml_file.write_text(good.replace("phase: Phase 2", "phase: [unclosed", 1), "utf-8")
    page.wait_for_selector("ul.build-errors", timeout=15000)
    assert f"{yaml_file}:" in page.inner_text("ul.build-errors")

    yaml_file.write_text(good, "utf-8")
    page.locator("h1", has_text="A Prospective Phase II Study").wait_for(timeout=15000)
    page.close()


def test_a_new_seed_is_extracted_and_served(preview):
    project, port = preview
    shutil.copy(FIXTURES / "seeds" / "trialx_female.txt", project / "seeds" / "010_new.txt")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, body = get(port, f"{BASE_PATH}trials/nct09876543/")
        if status == 200:
            break
        time.sleep(0.3)
    assert status == 200 and "A Study of Drug X in Women With Ovarian Cancer" in body
    assert (project / "content" / "trials" / "nct09876543.yaml").is_file()


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE_PATH}../../../../etc/passwd",
        f"{BASE_PATH}%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_PATH}%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        f"{BASE_PATH}..%5c..%5cetc%5cpasswd",
        f"{BASE_PATH}%00",
        "/etc/passwd",
        f"{BASE_PATH}%252e%252e/%252e%252e/%252e%252e/etc/passwd",
        f"{BASE_PATH}..%2f..%2f..%2fetc%2fpasswd",
        f"{BASE_PATH}%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        f"{BASE_PATH}/../../../etc/passwd",
    ],
)
def test_the_server_refuses_paths_outside_the_site(preview, path):
    status, body = get(preview[1], path)
    assert status == 404
    assert "root:" not in body


def test_a_symlink_out_of_the_site_is_not_followed(preview):
    project, port = preview
    secret = project / "secret.txt"
    secret.write_text("do not serve", "utf-8")
    os.symlink(secret, project / "site" / "leak.txt")
    status, body = get(port, f"{BASE_PATH}leak.txt")
    assert status == 404 and "do not serve" not in body


def test_a_symlinked_directory_out_of_the_site_is_not_followed(preview):
    project, port = preview
    outside = project / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.html").write_text("<html>do not serve</html>", "utf-8")
    os.symlink(outside, project / "site" / "linked")
    status, body = get(port, f"{BASE_PATH}linked/secret.html")
    assert status == 404 and "do not serve" not in body


def test_the_gzipped_exports_are_served_as_files_to_download(preview):
    """As a static host serves them: gzip data, not JSON with a Content-Encoding left off."""
    connection = http.client.HTTPConnection("127.0.0.1", preview[1], timeout=10)
    connection.request("GET", f"{BASE_PATH}trials.csv.gz")
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "application/gzip"
    assert gzip.decompress(response.read()).startswith(b"slug,url,")


def test_the_server_listens_on_loopback_only(preview):
    port = preview[1]
    listening = [
        line.split()[1] for name in ("/proc/net/tcp", "/proc/net/tcp6") if Path(name).exists()
        for line in Path(name).read_text().splitlines()[1:]
        if line.split()[3] == "0A" and int(line.split()[1].rsplit(":", 1)[1], 16) == port
    ]
    assert listening and all(
        address.rsplit(":", 1)[0] in {"0100007F", "00000000000000000000000001000000"} for address in listening
    )


def test_request_paths_resolve_inside_the_root_only(tmp_path):
    (tmp_path / "a").mkdir()
    assert resolve_request(tmp_path, "/", "/a/") == tmp_path.resolve() / "a"
    assert resolve_request(tmp_path, "/base/", "/a/") is None
    assert resolve_request(tmp_path, "/", "/a/%2e%2e/%2e%2e/x") is None


def test_error_page_shows_problems_as_text():
    page = error_page(["content/trials/x.yaml:3: title: <script>alert(1)</script>"]).decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page


def test_served_pages_load_live_reload_as_a_file_the_content_security_policy_allows(preview):
    status, body = get(preview[1], f"{BASE_PATH}{TRIAL}")
    assert status == 200
    assert f'<script src="/livereload.js?port={preview[1]}"></script></head>' in body
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", body)
    assert inline == []  # an inline script would be blocked by the page's own policy
    status, script = get(preview[1], "/livereload.js")
    assert status == 200 and "LiveReload" in script


def test_the_server_survives_a_burst_of_requests_while_it_rebuilds(preview):
    """8 clients x 50 requests on loopback while a YAML edit triggers a rebuild: every answer is
    a whole page (or the whole error page), never a truncated one. Bounded: it stops by itself."""
    project, port = preview
    paths = [
        BASE_PATH, f"{BASE_PATH}{TRIAL}", f"{BASE_PATH}drugs/", f"{BASE_PATH}phases/", f"{BASE_PATH}static/site.css"
    ]
    yaml_file = project / "content" / "trials" / "nct07063888.yaml"
    good = yaml_file.read_text("utf-8")
    deadline = time.monotonic() + 20
    failures: list[str] = []
    done = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for i in range(50):
                if time.monotonic() > deadline:
                    failures.append(f"client {number}: out of time after {i} requests")
                    return
                path = paths[(number + i) % len(paths)]
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                length = response.getheader("Content-Length")
                if length is not None and int(length) != len(body):
                    failures.append(f"{path}: {len(body)} bytes of {length}")
                elif path.endswith(".css"):
                    if response.status != 200 or not body.rstrip().endswith(b"}"):
                        failures.append(f"{path}: {response.status}, {len(body)} bytes")
                elif response.status not in (200, 500) or not body.rstrip().endswith(b"</html>"):
                    failures.append(f"{path}: {response.status}, ends {body[-40:]!r}")
                elif response.status == 500 and b"build-errors" not in body:
                    failures.append(f"{path}: 500 without the error page")
                done.append(path)
        except OSError as exc:
            failures.append(f"client {number}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    replace_in(yaml_file, "title: >-\n  A Prospective Phase II Study", "title: >-\n  Burst Edited Phase II Study")
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic() + 5))
    assert not any(thread.is_alive() for thread in threads)
    try:
        assert failures == []
        assert len(done) == 8 * 50
        rebuilt = time.monotonic() + 10
        while time.monotonic() < rebuilt and "Burst Edited" not in get(port, f"{BASE_PATH}{TRIAL}")[1]:
            time.sleep(0.2)
        assert "Burst Edited" in get(port, f"{BASE_PATH}{TRIAL}")[1]  # the rebuild happened
    finally:
        yaml_file.write_text(good, "utf-8")


class FakeLoop:
    """Stands in for the server's IOLoop: records the reloads the watcher asks for."""

    def __init__(self):
        self.reloads = 0

    def add_callback(self, *args, **kwargs) -> None:
        self.reloads += 1


def test_the_watcher_keeps_watching_after_a_rebuild_fails_unexpectedly(tmp_path, monkeypatch):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    preview = Preview(
        Sources(content, tmp_path / "seeds", tmp_path / "site.toml"), tmp_path / "site", None, log=lambda line: None
    )
    calls = []

    def rebuild(touched=None):
        calls.append(touched)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return True

    monkeypatch.setattr(preview, "rebuild", rebuild)
    monkeypatch.setattr(serve, "RETRY_SECONDS", 0.05)
    watcher, loop = SourceWatcher(preview), FakeLoop()
    thread = threading.Thread(target=watcher._run, args=(loop,), daemon=True)
    thread.start()
    try:
        trial = next((content / "trials").glob("*.yaml"))
        for _attempt in range(200):  # save until a rebuild after the failed one has run
            trial.write_text(trial.read_text("utf-8"), "utf-8")
            time.sleep(0.1)
            if len(calls) >= 2:
                break
        assert len(calls) >= 2 and loop.reloads >= 1
        assert trial in calls[-1]
    finally:
        watcher.stopped.set()
        thread.join(5)


def edited_preview(tmp_path: Path) -> tuple[Preview, Path]:
    """A preview whose last rebuild left the exports to write."""
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "site.toml", tmp_path / "site.toml")
    out = tmp_path / "site"
    preview = Preview(Sources(content, tmp_path / "seeds", tmp_path / "site.toml"), out, None, log=lambda line: None)
    preview.rebuild()
    trial = content / "trials" / "nct07063888.yaml"
    replace_in(trial, "  A Prospective Phase II", "  Renamed while a build runs: A Prospective Phase II")
    preview.rebuild({trial})
    assert preview.publisher.deferred
    return preview, out


def test_the_exports_writer_waits_for_a_build_of_the_same_folder(tmp_path):
    preview, out = edited_preview(tmp_path)
    with build_lock(out):  # as `build` holds it, from this thread
        preview.write_exports_in_background()
        time.sleep(0.5)
        assert "Renamed while a build runs" not in read_export(out, "trials.json")
    for _ in range(100):
        if "Renamed while a build runs" in read_export(out, "trials.json"):
            break
        time.sleep(0.1)
    assert "Renamed while a build runs" in read_export(out, "trials.json")


def test_writing_the_exports_does_not_hold_up_the_next_rebuild(tmp_path, monkeypatch):
    preview, out = edited_preview(tmp_path)
    writing, finish = threading.Event(), threading.Event()
    write = plans.FilePlan.write

    def slow_write(plan, root):
        writing.set()
        finish.wait(10)
        return write(plan, root)

    monkeypatch.setattr(plans.FilePlan, "write", slow_write)
    writer = threading.Thread(target=preview._write_exports, args=(preview.publisher,))
    writer.start()
    try:
        assert writing.wait(10)
        with build_lock(out, wait=0.5):  # as the next edit's rebuild takes it
            pass
    finally:
        finish.set()
        writer.join(10)
    assert "Renamed while a build runs" in read_export(out, "trials.json")


def served_while_indexing(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """A project whose preview's background search index never finishes: Pagefind writes its
    process id to the file returned, then sleeps."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "content", project / "content")
    (project / "seeds").mkdir()
    pid_file = tmp_path / "pagefind.pid"
    script = f"echo $$ > {pid_file}.tmp; mv {pid_file}.tmp {pid_file}; exec sleep 120"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_indexer(tmp_path, script))
    return project, pid_file


@pytest.mark.parametrize("stop", ["terminate", "send_interrupt"])
def test_stopping_the_preview_stops_its_search_index_and_leaves_no_scratch(tmp_path, monkeypatch, stop):
    project, pid_file = served_while_indexing(tmp_path, monkeypatch)
    with serving(project, BASE_PATH) as (_port, process):
        assert wait_for(pid_file.exists), "the background index never started"
        pagefind = int(pid_file.read_text())
        if stop == "send_interrupt":  # Ctrl-C
            process.send_signal(signal.SIGINT)
        else:
            process.terminate()
        process.wait(timeout=15)
    assert wait_for(lambda: not running(pagefind), timeout=5)
    assert scratch_folders(project) == []


def test_a_killed_preview_takes_its_search_index_with_it(tmp_path, monkeypatch):
    project, pid_file = served_while_indexing(tmp_path, monkeypatch)
    with serving(project, BASE_PATH) as (_port, process):
        assert wait_for(pid_file.exists), "the background index never started"
        pagefind = int(pid_file.read_text())
        process.kill()
        process.wait(timeout=15)
    assert wait_for(lambda: not running(pagefind), timeout=10), "Pagefind runs on for a preview that is gone"
