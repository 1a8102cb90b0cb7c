"""``ChunkCoalescer``: consecutive chunks of an attempt as ``chunks`` replies (protocol.md §14.2).

Used only when the request said ``x-accept: "chunks"``. A batch goes out when the first of these
happens: the window since its first chunk has passed, it holds ``max_chunks`` chunks, its body
would pass ``max_bytes``, or :meth:`ChunkCoalescer.flush` is called (the worker does before every
progress, result or error, and when the handler stops). A batch of one goes out as a plain
``chunk``. The clock is injected (``call_later``) so tests drive the window by hand.
"""

from __future__ import annotations

from typing import Callable, Optional, Protocol

from .frames import BatchKind

#: How long the first chunk of a batch may wait for others (protocol §14.2: never more than 5 ms).
DEFAULT_CHUNK_WINDOW_MS = 5.0
MAX_CHUNK_WINDOW_MS = 5.0
#: Chunks in one batch at most.
DEFAULT_MAX_CHUNKS_PER_REPLY = 256
#: A batch's body (the JSON array) stays within this many bytes; a larger chunk goes alone.
MAX_CHUNKS_BODY_BYTES = 256 * 1024


class TimerHandle(Protocol):
    """What ``call_later`` returns: something to cancel (``asyncio.TimerHandle`` is one)."""

    def cancel(self) -> None: ...


#: ``loop.call_later``'s shape: run ``callback`` after ``delay`` seconds.
CallLater = Callable[[float, Callable[[], None]], TimerHandle]

#: Where a batch goes: ``(kind, seq of its first chunk, body, count)``.
BatchSink = Callable[[BatchKind, int, bytes, int], None]


def check_batching(window_ms: float, max_chunks: int) -> None:
    """Raise ``ValueError`` unless ``0 ≤ window_ms ≤ 5`` and ``max_chunks ≥ 1``."""
    if not 0 <= window_ms <= MAX_CHUNK_WINDOW_MS:
        raise ValueError(f"chunk_window_ms must be between 0 and 5, not {window_ms!r}")
    if isinstance(max_chunks, bool) or not isinstance(max_chunks, int) or max_chunks < 1:
        raise ValueError(f"max_chunks_per_reply must be an integer ≥ 1, not {max_chunks!r}")


class ChunkCoalescer:
    """Holds the chunks of one attempt until a batch is due, then hands it to ``sink``.

    Example (a fake clock: ``timers`` collects the callbacks ``call_later`` was given)::

        sent = []
        coalescer = ChunkCoalescer(lambda *batch: sent.append(batch), call_later=fake_later)
        coalescer.add(0, b'{"i":0}')
        coalescer.add(1, b'{"i":1}')
        coalescer.flush()  # sent == [("chunks", 0, b'[{"i":0},{"i":1}]', 2)]
    """

    def __init__(
        self,
        sink: BatchSink,
        *,
        call_later: CallLater,
        window_ms: float = DEFAULT_CHUNK_WINDOW_MS,
        max_chunks: int = DEFAULT_MAX_CHUNKS_PER_REPLY,
        max_bytes: int = MAX_CHUNKS_BODY_BYTES,
    ) -> None:
        self._sink = sink
        self._call_later = call_later
        self._window = window_ms / 1000
        self._max_chunks = max_chunks
        self._max_bytes = max_bytes
        self._parts: list[bytes] = []
        self._first_seq = 0
        # the body's size so far: the parts, the commas between them and the two brackets
        self._size = 2
        self._timer: Optional[TimerHandle] = None

    def add(self, seq: int, data: bytes) -> None:
        """Hold one chunk (``seq`` the next after the last one added); sends what is due."""
        if self._parts and self._size + 1 + len(data) > self._max_bytes:
            self.flush()
        parts = self._parts
        if not parts:
            self._first_seq = seq
            self._size = 2 + len(data)
            self._timer = self._call_later(self._window, self.flush)
        else:
            self._size += 1 + len(data)
        parts.append(data)
        if len(parts) >= self._max_chunks or self._size >= self._max_bytes:
            self.flush()

    def flush(self) -> None:
        """Send the chunks held, if any: one ``chunk`` reply, or one ``chunks`` reply of many."""
        parts = self._parts
        if not parts:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._parts = []
        if len(parts) == 1:
            self._sink("chunk", self._first_seq, parts[0], 1)
        else:
            self._sink("chunks", self._first_seq, b"[" + b",".join(parts) + b"]", len(parts))

    @property
    def held(self) -> int:
        """How many chunks wait for their batch."""
        return len(self._parts)


__all__ = [
    "DEFAULT_CHUNK_WINDOW_MS",
    "DEFAULT_MAX_CHUNKS_PER_REPLY",
    "MAX_CHUNKS_BODY_BYTES",
    "BatchSink",
    "CallLater",
    "ChunkCoalescer",
    "check_batching",
]
