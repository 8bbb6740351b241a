"""Real streaming for chat UIs: run a question in a worker thread and hand over the model's draft
as it grows; the checked answer arrives at the end and replaces the draft."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_DONE = object()


class TokenStream(Generic[T]):
    """`work(on_token)` runs in a thread; iterate for the draft so far, then read `result()`."""

    def __init__(self, work: Callable[[Callable[[str], None]], T]) -> None:
        self._queue: queue.Queue[object] = queue.Queue()
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[Callable[[str], None]], T]) -> None:
        try:
            self._result = work(self._queue.put)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc
        finally:
            self._queue.put(_DONE)

    def __iter__(self) -> Iterator[str]:
        """Yields the latest draft text, skipping updates that arrived while the caller was busy."""
        done = False
        while not done:
            latest = self._queue.get()
            done = latest is _DONE
            while not done and not self._queue.empty():
                nxt = self._queue.get_nowait()
                done = nxt is _DONE
                latest = latest if done else nxt
            if isinstance(latest, str):
                yield latest

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]
