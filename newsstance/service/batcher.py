"""Dynamic batching: requests that arrive together are served by one model call.

Each request's sentences wait up to `wait_s` (a few milliseconds) for others to join; then one worker
runs them through the model as one list (the model sorts them by length and batches them itself) and
hands each request its own rows back. One worker, because the model already uses every core: two
calls at once would only take turns. Queued work is bounded in sentences, so a burst of requests
cannot grow memory without limit: past the bound, submit() raises Overloaded (HTTP 503).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class Overloaded(Exception):
    """More sentences queued than the bound; `retry_after` is a fair guess of seconds until room."""

    def __init__(self, queued: int, bound: int, retry_after: int):
        super().__init__(f"{queued} sentences already queued (bound {bound}); retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Job:
    texts: list[str]
    before: list[str]
    after: list[str]
    lede: list[str]
    future: asyncio.Future = field(repr=False)


class DynamicBatcher:
    def __init__(self, run: Callable[[list[str], list[str], list[str], list[str]], list[dict]], wait_s: float = 0.005,
                 max_batch: int = 512, max_queued: int = 20_000):
        self.run, self.wait_s, self.max_batch, self.max_queued = run, wait_s, max_batch, max_queued
        self._jobs: deque[_Job] = deque()
        self._queued = 0
        self._wakeup = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsstance-model")
        self._worker: asyncio.Task | None = None
        self._rate = 500.0  # sentences/s, updated from each call: sizes the Retry-After hint
        self.calls = 0  # model calls made (tests check that concurrent requests share them)

    @property
    def queued(self) -> int:
        return self._queued

    def start(self) -> None:
        self._worker = asyncio.get_running_loop().create_task(self._serve())

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def submit(self, texts: list[str], before: list[str], after: list[str], lede: list[str]) -> list[dict]:
        """`run`'s rows for these sentences: `before`/`after`/`lede`, their context, one entry per text."""
        if not texts:
            return []
        # One request larger than the bound is still served when nothing else waits: the body size limit
        # already bounds it.
        if self._queued and self._queued + len(texts) > self.max_queued:
            raise Overloaded(self._queued, self.max_queued, max(1, round(self._queued / self._rate)))
        job = _Job(texts, before, after, lede, asyncio.get_running_loop().create_future())
        self._jobs.append(job)
        self._queued += len(texts)
        self._wakeup.set()
        return await job.future

    def _take(self) -> list[_Job]:
        jobs, size = [], 0
        while self._jobs and (not jobs or size + len(self._jobs[0].texts) <= self.max_batch):
            job = self._jobs.popleft()
            if job.future.cancelled():  # the client went away: drop its work
                self._queued -= len(job.texts)
                continue
            jobs.append(job)
            size += len(job.texts)
        return jobs

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wakeup.wait()
            await asyncio.sleep(self.wait_s)  # let the requests arriving together join this call
            jobs = self._take()
            if not self._jobs:
                self._wakeup.clear()
            if not jobs:
                continue
            texts = [t for j in jobs for t in j.texts]
            before = [t for j in jobs for t in j.before]
            after = [t for j in jobs for t in j.after]
            lede = [t for j in jobs for t in j.lede]
            started = time.perf_counter()
            try:
                rows = await loop.run_in_executor(self._executor, self.run, texts, before, after, lede)
            except Exception as e:  # handed to every request of the call, which reports it
                for j in jobs:
                    if not j.future.done():
                        j.future.set_exception(e)
            else:
                self.calls += 1
                self._rate = 0.8 * self._rate + 0.2 * len(texts) / max(time.perf_counter() - started, 1e-6)
                at = 0
                for j in jobs:
                    if not j.future.done():
                        j.future.set_result(rows[at : at + len(j.texts)])
                    at += len(j.texts)
            finally:
                self._queued -= len(texts)
