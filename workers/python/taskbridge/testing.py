"""Run a handler in-process and collect its frames: unit tests for handlers without RabbitMQ.

The Python twin of the TypeScript memory transport: the same execution core as the worker, the
same JSON encoding, the same frame kinds and ``seq`` numbering, no broker.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .context import Context
from .errors import ErrorBody
from .execute import CANCELLED_ERROR, Handler, Outcome, execute

#: One frame as a worker would send it: ``{"seq", "kind", ...}`` with ``data`` (chunk, result),
#: ``progress`` or ``error``, and ``attempt``.
Frame = Dict[str, Any]


@dataclass
class RunResult:
    """The frames a handler produced, in order, with shortcuts for the usual questions."""

    frames: List[Frame] = field(default_factory=list)

    @property
    def terminal(self) -> Frame:
        """The last frame: ``result`` or ``error``."""
        return self.frames[-1]

    @property
    def result(self) -> Any:
        """The result value; raises ``AssertionError`` when the handler ended with an error."""
        if self.terminal["kind"] != "result":
            raise AssertionError(f"the handler ended with {self.terminal!r}, not a result")
        return self.terminal["data"]

    @property
    def error(self) -> Optional[ErrorBody]:
        """The error body when the handler ended with an error, else ``None``."""
        return self.terminal["error"] if self.terminal["kind"] == "error" else None

    @property
    def chunks(self) -> List[Any]:
        """The chunk values in the order they were emitted."""
        return [f["data"] for f in self.frames if f["kind"] == "chunk"]

    @property
    def progress(self) -> List[Dict[str, Any]]:
        """The progress bodies ``{done, total?, message?}`` in order."""
        return [f["progress"] for f in self.frames if f["kind"] == "progress"]


_FIELD = {"chunk": "data", "result": "data", "progress": "progress", "error": "error"}


async def run_handler(
    handler: Handler,
    payload: Any = None,
    *,
    attempt: int = 1,
    id: str = "test",
    type: str = "test.handler",
    principal: str = "anon",
    timeout_ms: int = 600_000,
    cancel_after: Optional[float] = None,
) -> RunResult:
    """Run ``handler(payload, ctx)`` in-process and return the frames it produced.

    Payload, chunks and results go through JSON as on the wire. ``cancel_after`` cancels the
    request that many seconds after it started; the run then ends with ``error`` ``CANCELLED``
    as a client would see it.

    Example::

        result = await run_handler(count, {"n": 3})
        assert result.chunks == [{"i": 0}, {"i": 1}, {"i": 2}]
        assert result.result == {"count": 3}
    """
    loop = asyncio.get_running_loop()
    run = RunResult()

    def add(kind: str, value: Any) -> None:
        run.frames.append({"seq": len(run.frames), "kind": kind, "attempt": attempt, _FIELD[kind]: value})

    ctx: Context[Any] = Context(
        id=id,
        type=type,
        attempt=attempt,
        deadline=int(time.time() * 1000) + timeout_ms,
        principal=principal,
        sink=lambda kind, data: add(kind, json.loads(data)),
        loop=loop,
        correlation_id=f"{principal}:test-session:{id}",
    )
    wire_payload = json.loads(json.dumps(payload))
    task = asyncio.ensure_future(execute(handler, wire_payload, ctx))

    def cancel() -> None:
        ctx._cancel()
        task.cancel()

    timer = loop.call_later(cancel_after, cancel) if cancel_after is not None else None
    try:
        try:
            outcome = await task
        except asyncio.CancelledError:
            if not (ctx.cancelled and task.cancelled()):
                raise
            outcome = Outcome("cancelled")
    finally:
        if timer is not None:
            timer.cancel()
    ctx._close()
    if outcome.kind == "result":
        add("result", json.loads(outcome.data))
    elif outcome.kind == "error":
        add("error", outcome.error)
    else:
        add("error", dict(CANCELLED_ERROR))
    return run
