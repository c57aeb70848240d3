"""Jobs on all cores: forked workers, and the parent as one of them once it holds the lists
(each forked worker counts all of the parent's memory again)."""

from __future__ import annotations

import multiprocessing.context
import os

import pytest

from trialsite.render.workers import PARALLEL_THRESHOLD, run_jobs

JOBS = list(range(4 * PARALLEL_THRESHOLD))


def square(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


@pytest.fixture
def forked(monkeypatch):
    """The worker processes started, as they start."""
    started = []
    start = multiprocessing.context.ForkProcess.start

    def counted(process):
        started.append(process)
        start(process)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", counted)
    return started


def run(workers: int, parent_works: bool) -> list[tuple[int, int]]:
    return list(run_jobs(square, JOBS, workers, PARALLEL_THRESHOLD, lambda done, total: None, parent_works))


def test_a_parent_that_holds_nothing_forks_a_worker_a_core(forked):
    results = run(3, parent_works=False)
    assert len(forked) == 3
    assert sorted(square for square, _ in results) == [n * n for n in JOBS]
    assert os.getpid() not in {pid for _, pid in results}


def test_a_parent_that_works_forks_one_worker_fewer_and_every_job_runs_once(forked):
    results = run(3, parent_works=True)
    assert len(forked) == 2
    assert sorted(square for square, _ in results) == [n * n for n in JOBS]


def test_on_two_cores_a_working_parent_shares_the_jobs_with_one_worker(forked):
    results = run(2, parent_works=True)
    assert len(forked) == 1
    assert {pid for _, pid in results} <= {os.getpid(), forked[0].pid}
