"""Worker processes that build leaflets, each under a time and memory limit.

Every leaflet is built in a worker process, never in the main one: a runaway
render (a catalogue that makes WeasyPrint lay out a huge page, or loop) is
stopped by the worker's own limits and fails only that leaflet, as
WeasyPrint's security notes recommend. Workers live for the whole build and
keep their fonts and stylesheets warm.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import resource
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .errors import PatientPacksError
from .fonts import prepare_subsets
from .model import Failure, Job, Leaflet, Project

if TYPE_CHECKING:
    from .build_leaflet import LeafletBuilder
    from .pipeline import BuildOptions


@dataclass(frozen=True)
class Limits:
    """Per-leaflet limits: wall-clock seconds, and the worker's address space."""

    seconds: float = 120.0
    memory_mb: int = 2048


class LeafletTimeout(BaseException):
    """Raised inside a worker when a leaflet takes longer than its limit.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception``
    on the way (WeasyPrint's or ours) can swallow it."""


#: Leaflets a worker builds before it is replaced by a fresh one, so that no
#: cache inside WeasyPrint, Pango or fontconfig can grow without bound.
#: Measured: after its first 25 leaflets a worker holds about 109 MB and then
#: grows by about 2.5 MB per 100 (119 MB after 400), so 250 keeps it well
#: under 150 MB, and a fresh pool (0.5 s of idle core and font warm-up) is
#: needed only every 500 leaflets of a 2-worker build.
RECYCLE_AFTER = 250

_builder: LeafletBuilder | None = None
_limits = Limits()


def _on_alarm(signum: int, frame: object) -> None:
    raise LeafletTimeout


def _die_with_the_build() -> None:
    """Ask Linux to kill this worker when the build process dies (even by
    SIGKILL), so that no orphan keeps rendering or holds the output lock it
    inherited. The standard library has no wrapper for prctl."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library this process already uses
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: a killed build's workers end when their queue closes


_PR_SET_PDEATHSIG = 1


def _start_worker(project: Project, today: date, limits: Limits) -> None:
    from .build_leaflet import LeafletBuilder  # imported by run_jobs before forking

    _die_with_the_build()
    global _builder, _limits
    _limits = limits
    size = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    signal.signal(signal.SIGALRM, _on_alarm)
    _builder = LeafletBuilder(project, today)
    # Everything alive now (modules, fonts, stylesheets) lives as long as the
    # worker: moved out of the garbage collector's sight, the full collections
    # that a leaflet's many short-lived objects trigger no longer walk it.
    # Measured: full collections 13 -> 6 ms per leaflet (about 3% of its
    # time), the same memory.
    gc.freeze()


def build_or_fail(builder: LeafletBuilder, job: Job, limits: Limits) -> Leaflet | Failure:
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        return builder.build(job)
    except LeafletTimeout:
        return Failure(
            job.label, f"stopped after {limits.seconds:g} s, the time limit for one leaflet (--time-limit)"
        )
    except MemoryError:
        return Failure(
            job.label, f"stopped at {limits.memory_mb} MB, the memory limit for one leaflet (--memory-limit)"
        )
    except PatientPacksError as error:
        return Failure(job.label, str(error))
    except Exception as error:  # a bug: fail this leaflet, keep building the others
        return Failure(job.label, f"internal error, please report it: {type(error).__name__}: {error}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _build_in_worker(job: Job) -> Leaflet | Failure:
    assert _builder is not None, "worker started without _start_worker"
    return build_or_fail(_builder, job, _limits)


def run_jobs(project: Project, jobs: list[Job], options: BuildOptions) -> Iterator[Leaflet | Failure]:
    """Yield each leaflet (or its failure) as soon as it is built."""
    if not jobs:
        return
    workers = max(1, min(options.jobs, len(jobs)))
    # Font subsets are made once, in a short-lived process: loading a 19 MB
    # font collection here would leave its pages in this process's memory.
    preparer = multiprocessing.get_context("fork").Process(target=prepare_subsets, args=(project.root,))
    preparer.start()
    preparer.join()
    # fork: workers start in milliseconds, with the modules already imported.
    # WeasyPrint is imported here, once, rather than by every worker of every
    # batch (0.7 s each); this process only imports it: it renders nothing and
    # keeps no PDF once written, so it stays small.
    from . import build_leaflet  # noqa: F401

    context = multiprocessing.get_context("fork")
    # Longest leaflets first, so that no worker is left with a long one while
    # the other has finished.
    ordered = sorted(jobs, key=lambda job: job.max_pages, reverse=True)
    # Workers are replaced after RECYCLE_AFTER leaflets each by running the
    # jobs in batches, each with a fresh pool. (ProcessPoolExecutor's own
    # max_tasks_per_child hung in our tests on Python 3.11.)
    batch = workers * RECYCLE_AFTER
    for start in range(0, len(ordered), batch):
        yield from _run_batch(project, ordered[start : start + batch], options, workers, context)


def _run_batch(
    project: Project,
    jobs: list[Job],
    options: BuildOptions,
    workers: int,
    context: multiprocessing.context.BaseContext,
) -> Iterator[Leaflet | Failure]:
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(project, options.today, options.limits),
    ) as pool:
        futures = {pool.submit(_build_in_worker, job): job for job in jobs}
        for future in as_completed(futures):
            # Let go of each finished future (and the PDF it holds) at once:
            # kept to the end of the batch, a batch's PDFs piled up in this
            # process, and every worker forked after them counted them in its
            # memory (146 MB instead of 107 at 960 leaflets, measured).
            job = futures.pop(future)
            try:
                yield future.result()
            except BrokenProcessPool:
                yield Failure(
                    job.label,
                    "its worker process died (it crashed, was killed, or hit the memory limit of "
                    f"{options.limits.memory_mb} MB while starting); the build could not finish it",
                )
