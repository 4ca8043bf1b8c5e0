"""Warm worker processes for a long-running process (the server): each
renders one leaflet at a time with its fonts, stylesheets and templates kept
warm between requests, under the same time and memory limits as a build's
workers (pool.py), with a bounded queue."""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from ..errors import BusyError, RenderError
from .options import Limits
from .pool import RECYCLE_AFTER, death_cause, die_with_the_build
from .worker_temp import WorkerTemp, use_worker_temp


def _start_warm_worker(
    limits: Limits, temp_root: Path, warm_up: Callable[..., object], warm_up_args: tuple
) -> None:
    die_with_the_build()
    use_worker_temp(temp_root)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides what stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    size = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    warm_up(*warm_up_args)
    gc.freeze()  # as _start_worker: the warm state is out of the collector's sight


def _run_limited(function: Callable[..., object], args: tuple, limits: Limits) -> object:
    try:
        return function(*args)
    except MemoryError:
        raise RenderError(
            f"stopped at {limits.memory_mb} MB, the memory limit for one leaflet (--memory-limit)"
        ) from None


class WarmPool:
    """Worker processes that live as long as a long-running process (the
    server) and keep what they render with warm, each call under the build's
    time and memory limits. At most ``workers + queue`` calls are in hand at
    once: one more is refused with a BusyError, so that a burst of requests
    waits in no queue longer than the workers can clear.

    Workers are spawned, not forked: the server forks from a process running
    threads (its event loop, its thread pool), and a forked child can inherit
    a lock some other thread held. Each imports and warms up once (about 2 s).
    """

    def __init__(
        self,
        warm_up: Callable[..., object],
        warm_up_args: tuple,
        *,
        workers: int,
        limits: Limits,
        queue: int,
    ) -> None:
        self.workers = workers
        self.limits = limits
        self.capacity = workers + queue
        self._lock = threading.Lock()
        self._in_hand = 0
        #: The last calls' mean duration (seconds), for Retry-After.
        self._mean_seconds = 1.0
        self._temp = WorkerTemp()
        self._pool = ProcessPool(
            max_workers=workers,
            max_tasks=RECYCLE_AFTER,
            initializer=_start_warm_worker,
            initargs=(limits, self._temp.root, warm_up, warm_up_args),
            context=multiprocessing.get_context("spawn"),
        )
        # Start the workers now, from this thread: pebble starts them from the
        # first thread that schedules a call, and Linux kills a worker when the
        # thread that started it ends (die_with_the_build), which a request's
        # thread does. Later workers are started by pebble's own threads.
        self._pool.schedule(os.getpid)

    def submit(self, function: Callable[..., object], *args: object) -> Future:
        """Run ``function(*args)`` in a worker; a Future of its result, or of
        the RenderError that says why there is none (the time limit, the
        memory limit, a worker that died). A BusyError when the pool holds
        all it may."""
        with self._lock:
            if self._in_hand >= self.capacity:
                raise BusyError(
                    f"all {self.workers} workers are rendering and {self.capacity - self.workers} leaflets "
                    "are waiting: try again in a moment",
                    retry_after=self.retry_after(),
                )
            self._in_hand += 1
        started = time.monotonic()
        outcome: Future = Future()
        scheduled = self._pool.schedule(
            _run_limited, (function, args, self.limits), timeout=self.limits.seconds
        )

        def finished(future: Future) -> None:
            with self._lock:
                self._in_hand -= 1
                self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * (time.monotonic() - started)
            # A worker that was stopped, killed or retired left its files.
            self._temp.sweep()
            try:
                outcome.set_result(future.result())
            except FutureTimeout:
                outcome.set_exception(
                    RenderError(
                        f"stopped after {self.limits.seconds:g} s, the time limit for one leaflet "
                        "(--time-limit); its worker was stopped and replaced"
                    )
                )
            except ProcessExpired as error:
                outcome.set_exception(
                    RenderError(
                        f"its worker process died while rendering it ({death_cause(error.exitcode, self.limits)})"
                    )
                )
            except BaseException as error:  # the function's own error, passed on as it is
                outcome.set_exception(error)

        scheduled.add_done_callback(finished)
        return outcome

    def retry_after(self) -> int:
        """Seconds until the queue has room again, about."""
        return max(1, math.ceil(self._in_hand / self.workers * self._mean_seconds))

    def close(self) -> None:
        """Stop the workers now (whatever they are rendering is dropped)."""
        self._pool.stop()
        self._pool.join()
        self._temp.close()
