"""Photos from many students at once, answered in one run of the network, as model servers batch requests.

Thirty students who upload in the same second would otherwise run the network
thirty times on a batch of one; on a 2-core CPU a batch of eight costs far
less than eight batches of one. A :class:`PredictionBatcher` holds each
request for at most ``max_wait_seconds`` while others arrive, runs up to
``max_batch`` photos together, and hands each caller its own rows. A batch
that fails is run again request by request, so one student's bad photo
fails only that student's answer.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import keras
import numpy as np

from core.prediction.features import Features, feature_extractor

#: How long the first request of a batch waits for others: well under what a person notices.
MAX_WAIT_SECONDS = 0.01
#: The most photos run together: beyond about this many a CPU gains little, and the memory grows.
MAX_BATCH = 16
#: A worker with nothing to do for this long ends; the next request starts another.
IDLE_SECONDS = 30.0
#: Batches run at once: one per core, so a burst keeps both cores busy while the next batch gathers.
WORKERS = max(1, min(2, os.cpu_count() or 1))


@dataclass
class _Request:
    batch: np.ndarray
    future: Future


def rows_of(features: Features, start: int, stop: int) -> Features:
    """The features of photos ``start`` to ``stop`` of a batch."""
    return Features(features.logits[start:stop], {name: rows[start:stop] for name, rows in features.by_layer.items()})


class PredictionBatcher:
    """Runs ``run`` (a batch of photos -> :class:`Features`) on the requests of many threads, batched."""

    def __init__(self, run: Callable[[np.ndarray], Features], *, max_batch: int = MAX_BATCH,
                 max_wait_seconds: float = MAX_WAIT_SECONDS, idle_seconds: float = IDLE_SECONDS,
                 workers: int = WORKERS):
        if max_batch < 1:
            raise ValueError(f"A batch holds at least one photo, got max_batch={max_batch}.")
        if max_wait_seconds < 0:
            raise ValueError(f"The wait for a batch cannot be negative, got {max_wait_seconds}.")
        if workers < 1:
            raise ValueError(f"At least one batch must be able to run, got workers={workers}.")
        self.workers = workers
        self.run = run
        self.max_batch = max_batch
        self.max_wait_seconds = max_wait_seconds
        self.idle_seconds = idle_seconds
        self.batch_sizes: list[int] = []  # photos per run of the network, for the benchmark and the tests
        self._requests: queue.Queue[_Request] = queue.Queue()
        self._lock = threading.Lock()
        self._running: list[threading.Thread] = []

    def __call__(self, batch: np.ndarray) -> Features:
        """This caller's features, from a run shared with whoever asked at the same moment."""
        batch = np.asarray(batch, dtype=np.float32)
        if batch.ndim != 4 or len(batch) == 0:
            raise ValueError(f"Expected a non-empty batch of photos (N, height, width, 3), got shape {batch.shape}.")
        if len(batch) >= self.max_batch:
            return self._run_counted(batch)  # already a full batch: nothing to wait for
        request = _Request(batch, Future())
        self._requests.put(request)
        with self._lock:
            self._running = [worker for worker in self._running if worker.is_alive()]
            if len(self._running) < self.workers:
                worker = threading.Thread(target=self._work, name="prediction-batcher", daemon=True)
                self._running.append(worker)
                worker.start()
        return request.future.result()

    def _run_counted(self, batch: np.ndarray) -> Features:
        self.batch_sizes.append(len(batch))
        return self.run(batch)

    def _next_batch(self) -> list[_Request] | None:
        """The requests of the next run: the first to arrive and those within the wait, up to a full batch."""
        try:
            first = self._requests.get(timeout=self.idle_seconds)
        except queue.Empty:
            return None
        taken, photos = [first], len(first.batch)
        deadline = time.perf_counter() + self.max_wait_seconds
        while photos < self.max_batch:
            left = deadline - time.perf_counter()
            try:
                request = self._requests.get(timeout=left) if left > 0 else self._requests.get_nowait()
            except queue.Empty:
                break
            if photos + len(request.batch) > self.max_batch:
                self._requests.put(request)  # the next run starts with it
                break
            taken.append(request)
            photos += len(request.batch)
        return taken

    def _work(self) -> None:
        while True:
            taken = self._next_batch()
            if taken is None:
                with self._lock:  # a request that came in meanwhile keeps this worker going
                    if self._requests.empty():
                        self._running = [worker for worker in self._running
                                         if worker is not threading.current_thread()]
                        return
                continue
            self._answer(taken)

    def _answer(self, taken: list[_Request]) -> None:
        shapes = {request.batch.shape[1:] for request in taken}
        if len(taken) > 1 and len(shapes) == 1:
            try:
                features = self._run_counted(np.concatenate([request.batch for request in taken]))
            except Exception:  # noqa: BLE001 - found out below, request by request
                pass
            else:
                start = 0
                for request in taken:
                    stop = start + len(request.batch)
                    request.future.set_result(rows_of(features, start, stop))
                    start = stop
                return
        # One request, photos of different sizes, or a batch that failed: each on its own, so a failure stays its own.
        for request in taken:
            try:
                request.future.set_result(self._run_counted(request.batch))
            except Exception as error:  # noqa: BLE001 - handed to the caller that sent it
                request.future.set_exception(error)


_BATCHERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BATCHERS_LOCK = threading.Lock()


def shared_batcher(model: keras.Model) -> PredictionBatcher:
    """The one batcher of ``model`` in this process: every session's photos for it share its runs."""
    with _BATCHERS_LOCK:
        batcher = _BATCHERS.get(model)
        if batcher is None:
            batcher = PredictionBatcher(feature_extractor(model))
            _BATCHERS[model] = batcher
        return batcher
