"""Work on .docx files started before the caller knows they are the files it needs.

`qdgen preview` and `qdgen archive` first bring the case's build up to date, and only then know which
.docx files to convert; reading the inputs to decide that takes about as long as LibreOffice's own
start. So they start converting what the build folder holds now and check the build meanwhile. The
early result is kept only when the files then needed are, name for name and byte for byte, the ones
it started on (the usual case: the build was up to date); otherwise the early run is cancelled (its
LibreOffice killed) and the files needed are converted. Either way the result is that of the files
needed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, Self, TypeVar

from pipeline.archive.office import Job

T = TypeVar("T")

Work = Callable[[Sequence[Job], threading.Event, threading.Event], T]
"""`work(jobs, cancel, started)`: converts (and maybe draws) `jobs`, setting `started` once LibreOffice runs,
stopping with office.Cancelled once `cancel` is set."""


class Ahead(Generic[T]):
    """`work` started on `jobs` in a thread of its own (nothing started for no jobs); returns once LibreOffice
    runs, so that the caller's own work (imports, reading) does not hold Python's lock while it starts.

    Use as a context manager: leaving it cancels the early run if it is still going, and waits for its end.
    """

    def __init__(self, jobs: Sequence[Job], work: Work[T]) -> None:
        self._jobs = tuple(jobs)
        self._work = work
        self._cancel = threading.Event()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qdgen-ahead")
        self._early: Future[T] | None = None
        if jobs:
            started = threading.Event()
            self._early = self._thread.submit(work, self._jobs, self._cancel, started)
            self._early.add_done_callback(lambda _: started.set())
            started.wait()

    def result(self, jobs: Sequence[Job]) -> T:
        """What `work(jobs)` gives (or raises): the early run's when `jobs` are the ones it started on, else a
        new run's, in this thread, once the early one is cancelled."""
        if self._early is not None and tuple(jobs) == self._jobs:
            return self._early.result()
        self.close()
        return self._work(jobs, threading.Event(), threading.Event())

    def close(self) -> None:
        """Cancel the early run (nothing to do once it is over) and wait for its end; its outcome is dropped."""
        self._cancel.set()
        self._thread.shutdown(wait=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
