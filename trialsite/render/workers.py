"""Rendering on all cores: forked worker processes, each holding one `WorkerContext`.

The context (the renderer, with its compiled templates, the folder being written and this
build's page plans) is the target of each worker process: forked, it is inherited as it is,
never pickled, and nothing is left in module globals. Jobs go out in chunks through one queue;
each worker sends its results back through a pipe of its own, and a worker that dies is noticed
rather than waited for.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..content import InvalidContent
from ..errors import ContentError
from ..fsutil import atomic_write, digest
from .manifest import Output
from .pages import PagePlan
from .renderer import Renderer
from .state import StoredRows, TrialRecord
from .urls import output_path

Job = TypeVar("Job")
Result = TypeVar("Result")
TrialJob = tuple[str, str, bool]  # slug, path of its file, whether its title is shared
TrialResult = tuple[str, tuple[TrialRecord, StoredRows] | None, list[ContentError]]
MAX_CHUNK = 64
PARALLEL_THRESHOLD = 64  # jobs below which starting worker processes costs more than it saves


@dataclass
class WorkerContext:
    """What every job of a build needs, in the parent and in each forked worker alike."""

    renderer: Renderer
    root: Path  # the folder this build writes into
    plans: list[PagePlan] = field(default_factory=list)  # the pages to render, by index

    def render_trial(self, job: TrialJob) -> TrialResult:
        slug, path, title_shared = job
        try:
            record, rows, html = self.renderer.trial(slug, Path(path), title_shared)
        except InvalidContent as exc:
            return slug, None, exc.problems
        except OSError as exc:
            return slug, None, [ContentError(path, f"cannot read: {exc.strerror}")]
        atomic_write(self.root / output_path(record.listing.route), html, durable=False)
        return slug, (record, rows), []

    def render_page(self, index: int) -> tuple[str, Output]:
        plan = self.plans[index]
        data = self.renderer.page(plan.make())
        path = output_path(plan.route)
        atomic_write(self.root / path, data, durable=False)
        return path, Output(digest(data), plan.key)


def run_jobs(
    function: Callable[[Job], Result],
    jobs: Sequence[Job],
    workers: int,
    threshold: int,
    progress: Callable[[int, int], None],
    parent_works: bool = False,
) -> Iterator[Result]:
    """`function` over `jobs`, in `workers` forked processes when there are at least `threshold`
    jobs (below that, starting processes costs more than it saves), in no particular order.

    `parent_works`: this process is one of the `workers`, taking jobs when no result is waiting,
    and one fewer is forked. For a parent that holds the catalogue's lists: a forked worker
    counts all of the parent's memory again, which is what a machine's limit sees."""
    if len(jobs) < threshold or workers == 1:
        for done, job in enumerate(jobs, start=1):
            progress(done, len(jobs))
            yield function(job)
        return
    chunk = max(1, min(MAX_CHUNK, len(jobs) // (workers * 8)))
    chunks = [jobs[i : i + chunk] for i in range(0, len(jobs), chunk)]
    done = 0
    for results in _in_processes(function, chunks, workers - 1 if parent_works else workers, parent_works):
        for result in results:
            done += 1
            progress(done, len(jobs))
            yield result


def _in_processes(
    function: Callable[[Job], Result], chunks: list[Sequence[Job]], forks: int, parent_works: bool
) -> Iterator[list[Result]]:
    context = multiprocessing.get_context("fork")
    tasks: multiprocessing.Queue[Sequence[Any] | None] = context.Queue()
    for chunk in chunks:
        tasks.put(chunk)
    if parent_works:
        tasks.put(None)  # one stop for each taker of jobs, the parent included

    def own_chunk() -> list[Result] | None:
        chunk = tasks.get()
        return None if chunk is None else [function(job) for job in chunk]

    pipes, processes = [], []
    for _ in range(forks):
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(function, tasks, writer), daemon=True)
        process.start()
        writer.close()
        tasks.put(None)
        pipes.append(reader)
        processes.append(process)
    try:
        yield from _collect(pipes, len(chunks), own_chunk if parent_works else None)
    finally:
        for process in processes:
            process.kill()  # nothing to do once it is done; stops the rest after an error
            process.join()
        tasks.cancel_join_thread()  # chunks no worker took are dropped, not waited for
        tasks.close()


class WorkerTraceback(Exception):
    """Where in a worker process an exception was raised (its traceback, as text)."""


def _collect(
    pipes: list[multiprocessing.connection.Connection],
    expected: int,
    own_chunk: Callable[[], list[Any] | None] | None,
) -> Iterator[list[Any]]:
    """Each chunk's results as they come; a worker's exception raised here. A worker's pipe
    closes when it is done, or when it died: then the chunks it held never come. `own_chunk`:
    the parent's share, a chunk at a time whenever no worker's results are waiting (None once
    there are no more)."""
    received, open_pipes = 0, list(pipes)
    while received < expected:
        if not open_pipes and own_chunk is None:
            raise RuntimeError("a worker process stopped before finishing its jobs")
        ready = multiprocessing.connection.wait(open_pipes, timeout=None if own_chunk is None else 0)
        if not ready and own_chunk is not None:
            if (results := own_chunk()) is None:
                own_chunk = None
            else:
                received += 1
                yield results
        for pipe in ready:
            assert isinstance(pipe, multiprocessing.connection.Connection)
            try:
                kind, value, where = pipe.recv()
            except EOFError:
                open_pipes.remove(pipe)
                continue
            if kind == "error":
                raise value from WorkerTraceback(where)
            received += 1
            yield value


def _work(function: Callable[[Any], Any], tasks: multiprocessing.Queue[Any], results: Any) -> None:
    """A worker: chunks of jobs until told to stop (None); an exception goes back to be raised."""
    try:
        while (chunk := tasks.get()) is not None:
            results.send(("done", [function(job) for job in chunk], None))
    except BaseException as exc:
        results.send(("error", exc, traceback.format_exc()))
    finally:
        results.close()
