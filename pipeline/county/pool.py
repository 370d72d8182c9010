"""Worker processes for a batch: one task per kommun, on as many processes as asked.

The start method is the platform's (fork on Linux, spawn elsewhere, see
:mod:`pipeline.platform`); with spawn each worker compiles the templates once when it
starts, with fork the parent compiles them before the workers are made.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable

from pipeline import platform
from pipeline.county import work


def run(tasks: list, jobs: int | None, each: Callable[[list, int], None]) -> None:
    """Run every task with :func:`work.run_task` and call ``each(results, done)`` as each ends."""
    processes = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    if processes == 1:
        for done, task in enumerate(tasks, start=1):
            each(work.run_task(task), done)
        return
    method = platform.worker_start_method()
    if method == "fork":
        work.warm_up()  # compiled once here; every forked worker starts with them
    context = multiprocessing.get_context(method)
    with context.Pool(processes, initializer=work.worker_start, initargs=(method != "fork",)) as pool:
        results: Iterable = pool.imap_unordered(work.run_task, tasks)
        for done, result in enumerate(results, start=1):
            each(result, done)
