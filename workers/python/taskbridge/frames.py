"""The replies a worker sends (docs/protocol.md §3 ``x-kind``) and the frames a test sees of them.

The names follow the TypeScript SDK: ``ReplyKind`` (``packages/worker/src/createReplySender.ts``)
and ``Progress`` (``packages/core/src/protocol/frames.ts``).
"""

from __future__ import annotations

from typing import Any, Literal, Optional, TypedDict, Union

from .errors import ErrorBody

#: The kinds of reply a worker sends: ``chunk`` and ``progress`` any number of times, then one
#: terminal ``result`` or ``error``.
ReplyKind = Literal["chunk", "progress", "result", "error"]

#: How chunks go on the wire: one per ``chunk`` reply, or several in one ``chunks`` reply (a JSON
#: array, ``x-count`` items from ``x-seq`` on) to a gateway that sent ``x-accept: "chunks"``
#: (docs/protocol.md §14.2).
BatchKind = Literal["chunk", "chunks"]

#: Every ``x-kind`` a worker publishes.
WireKind = Literal["chunk", "chunks", "progress", "result", "error"]


class _ProgressFields(TypedDict):
    done: float


class Progress(_ProgressFields, total=False):
    """The body of a ``progress`` frame: ``{done, total?, message?}``, absent fields left out."""

    total: float
    message: str


def progress_body(
    done: float, total: Optional[float] = None, message: Optional[str] = None
) -> Progress:
    """The body of a ``progress`` frame: ``{done, total?, message?}`` without absent fields."""
    body: Progress = {"done": done}
    if total is not None:
        body["total"] = total
    if message is not None:
        body["message"] = message
    return body


class ChunkFrame(TypedDict):
    """One streamed item: ``{seq, kind: "chunk", attempt, data}``."""

    seq: int
    kind: Literal["chunk"]
    attempt: int
    data: Any


class ProgressFrame(TypedDict):
    """One progress report: ``{seq, kind: "progress", attempt, progress}``."""

    seq: int
    kind: Literal["progress"]
    attempt: int
    progress: Progress


class ResultFrame(TypedDict):
    """The terminal result: ``{seq, kind: "result", attempt, data}``."""

    seq: int
    kind: Literal["result"]
    attempt: int
    data: Any


class ErrorFrame(TypedDict):
    """The terminal error: ``{seq, kind: "error", attempt, error}``."""

    seq: int
    kind: Literal["error"]
    attempt: int
    error: ErrorBody


#: One frame as a worker sends it; ``kind`` tells which (``if frame["kind"] == "chunk": ...``
#: narrows it for a type checker).
Frame = Union[ChunkFrame, ProgressFrame, ResultFrame, ErrorFrame]

#: The last frame of a request: its result or its error.
TerminalFrame = Union[ResultFrame, ErrorFrame]


__all__ = [
    "BatchKind",
    "ChunkFrame",
    "ErrorFrame",
    "Frame",
    "Progress",
    "ProgressFrame",
    "ReplyKind",
    "ResultFrame",
    "TerminalFrame",
    "WireKind",
    "progress_body",
]
