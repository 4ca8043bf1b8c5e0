"""Worker processes that build leaflets, each under a time and memory limit.

Every leaflet is built in a worker process, never in the main one, as
WeasyPrint's security notes recommend: a runaway render (a catalogue that
makes WeasyPrint lay out a huge page, or loop; a logo that crashes a native
library) costs only that leaflet. The pool is pebble's ``ProcessPool``, not
the standard library's: a worker that dies takes only the leaflet it was
rendering with it (``concurrent.futures`` breaks the whole pool and fails
every leaflet still queued), the time limit is enforced from this process by
killing the worker (so no ``except BaseException`` inside WeasyPrint or a
library can swallow it), and workers are recycled after ``RECYCLE_AFTER``
leaflets (``max_tasks_per_child`` hangs on Python 3.11).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import resource
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pebble import ProcessExpired, ProcessPool

from ..errors import PatientPacksError
from ..jobs import Failure, Job, Leaflet
from ..model import Project
from .fonts import prepare_subsets
from .options import BuildOptions, Limits
from .worker_temp import WorkerTemp, use_worker_temp

if TYPE_CHECKING:
    from .leaflet import LeafletBuilder


#: Leaflets a worker builds before it is replaced by a fresh one, so that no
#: cache inside WeasyPrint, Pango or fontconfig can grow without bound.
#: Measured: after its first 25 leaflets a worker holds about 109 MB and then
#: grows by about 2.5 MB per 100 (119 MB after 400), so 250 keeps it well
#: under 150 MB.
RECYCLE_AFTER = 250
#: How often the build looks up from waiting for leaflets to see whether it
#: was asked to stop.
_POLL_SECONDS = 0.2

_builder: LeafletBuilder | None = None


def die_with_the_build() -> None:
    """Ask Linux to kill this worker when the build process dies (even by
    SIGKILL), so that no orphan keeps rendering or holds the output lock it
    inherited. The standard library has no wrapper for prctl."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library this process already uses
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: a killed build's workers end when their pipe closes


_PR_SET_PDEATHSIG = 1


def _start_worker(project: Project, today: date, limits: Limits, temp_root: Path) -> None:
    from .leaflet import LeafletBuilder  # imported by run_jobs before forking

    die_with_the_build()
    use_worker_temp(temp_root)
    # Ctrl-C on a terminal reaches every process of the group: the build
    # process alone decides what stops, and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    size = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    global _builder
    _builder = LeafletBuilder(project, today)
    # Everything alive now (modules, fonts, stylesheets) lives as long as the
    # worker: moved out of the garbage collector's sight, the full collections
    # that a leaflet's many short-lived objects trigger no longer walk it.
    # Measured: full collections 13 -> 6 ms per leaflet (about 3% of its
    # time), the same memory.
    gc.freeze()


def _prepare_subsets(project_root: Path) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build process decides what stops
    prepare_subsets(project_root)


def build_or_fail(builder: LeafletBuilder, job: Job, limits: Limits) -> Leaflet | Failure:
    """Build one leaflet; any problem becomes that leaflet's failure."""
    try:
        return builder.build(job)
    except MemoryError:
        return Failure(
            job.label, f"stopped at {limits.memory_mb} MB, the memory limit for one leaflet (--memory-limit)"
        )
    except PatientPacksError as error:
        return Failure(job.label, str(error))
    except Exception as error:  # a bug: fail this leaflet, keep building the others
        return Failure(job.label, f"internal error, please report it: {type(error).__name__}: {error}")


def _build_in_worker(job: Job, limits: Limits) -> Leaflet | Failure:
    assert _builder is not None, "worker started without _start_worker"
    return build_or_fail(_builder, job, limits)


def _outcome(future: Future, job: Job, limits: Limits) -> Leaflet | Failure:
    """What became of one scheduled leaflet."""
    try:
        return future.result()
    except FutureTimeout:
        return Failure(
            job.label,
            f"stopped after {limits.seconds:g} s, the time limit for one leaflet (--time-limit); "
            "its worker was stopped and replaced",
        )
    except ProcessExpired as error:
        return Failure(
            job.label, f"its worker process died while rendering it ({death_cause(error.exitcode, limits)})"
        )
    except Exception as error:  # the worker could not start, or its result could not be sent back
        return Failure(job.label, f"internal error, please report it: {type(error).__name__}: {error}")


def death_cause(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name in ("SIGKILL", "SIGABRT", "SIGSEGV", "SIGBUS"):
            return (
                f"killed by {name}: a crash in a native library, or the system ran out of memory; "
                f"the memory limit for one leaflet is {limits.memory_mb} MB (--memory-limit)"
            )
        return f"killed by {name}"
    return f"exit status {exitcode}"


def run_jobs(
    project: Project, jobs: list[Job], options: BuildOptions, stop: threading.Event | None = None
) -> Iterator[Leaflet | Failure]:
    """Yield each leaflet (or its failure) as soon as it is built. When
    ``stop`` is set, the workers are stopped at once and nothing more is
    yielded; closing the iterator early does the same."""
    stop = stop or threading.Event()
    if not jobs or stop.is_set():
        return
    workers = max(1, min(options.jobs, len(jobs)))
    # Font subsets are made once, in a short-lived process: loading a 19 MB
    # font collection here would leave its pages in this process's memory.
    preparer = multiprocessing.get_context("fork").Process(target=_prepare_subsets, args=(project.root,))
    preparer.start()
    preparer.join()
    # fork: workers start in milliseconds, with the modules already imported.
    # WeasyPrint is imported here, once, rather than by every worker (0.7 s
    # each); this process only imports it: it renders nothing and keeps no
    # PDF once written, so it stays small.
    from . import leaflet  # noqa: F401

    temp = WorkerTemp()
    pool = ProcessPool(
        max_workers=workers,
        max_tasks=RECYCLE_AFTER,
        initializer=_start_worker,
        initargs=(project, options.today, options.limits, temp.root),
        context=multiprocessing.get_context("fork"),
    )
    pending: dict[Future, Job] = {}
    try:
        # Longest leaflets first, so that no worker is left with a long one
        # while the other has finished.
        ordered = sorted(jobs, key=lambda job: job.max_pages, reverse=True)
        pending = {
            pool.schedule(_build_in_worker, (job, options.limits), timeout=options.limits.seconds): job
            for job in ordered
        }
        while pending and not stop.is_set():
            done, _ = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                # Let go of each finished future (and the PDF it holds) at
                # once: kept, a build's PDFs piled up in this process.
                job = pending.pop(future)
                outcome = _outcome(future, job, options.limits)
                if isinstance(outcome, Failure):
                    temp.sweep()  # a worker stopped at a limit, or killed, left its files
                yield outcome
                if stop.is_set():
                    break
    finally:
        if pending:  # stopped, or the caller stopped reading: kill the workers now
            pool.stop()
        else:
            pool.close()
        pool.join()
        temp.close()
