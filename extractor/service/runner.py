"""The analysis off the event loop: one thread per worker runs :func:`analyze_patient` on the pipeline loaded
at start-up, and a request waits for it at most a time budget.

spaCy pipelines are not made to be shared between threads, so a single thread runs them, one patient at a
time (the work is CPU-bound: more threads would not be faster under the GIL). A patient that overruns the
budget is answered without a rating while its analysis finishes in the background; one still waiting for
the thread is dropped.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence

WARM_UP = ("warm-up", "58M low back pain x 8 wks radiating below the knee, failed PT and naproxen. "
           "No saddle anesthesia, no fever.", "2026-01-15")


class OverBudget(Exception):
    """The analysis did not finish within the time budget."""


class Runner:
    """Runs the patient analysis on one thread, with the pipeline loaded by :meth:`start`."""

    def __init__(self, budget_seconds: float) -> None:
        self.budget = budget_seconds
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mri-analysis")

    async def start(self) -> None:
        """Load the pipeline (the bundled one, renewed by ``extractor.api`` as it grows) and warm it up."""
        await asyncio.wrap_future(self.executor.submit(self._analyze, [WARM_UP], None))

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _analyze(notes: Sequence[Any], as_of: dt.date | None):
        from ..patients import analyze_patient

        return analyze_patient(notes, as_of)

    async def run(self, notes: Sequence[Any], as_of: dt.date | None):
        """The patient's :class:`~extractor.patients.PatientResult`; :class:`OverBudget` past the budget."""
        return await self.within_budget(self._analyze, notes, as_of)

    async def within_budget(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` on the analysis thread; :class:`OverBudget` when it is not done within the
        budget (also when it is done, but later than the budget, as a busy event loop may see it)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        future = asyncio.wrap_future(self.executor.submit(function, *args))
        try:
            result = await asyncio.wait_for(future, self.budget)
        except asyncio.TimeoutError:
            raise OverBudget() from None
        if loop.time() - started > self.budget:
            raise OverBudget()
        return result
