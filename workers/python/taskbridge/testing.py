"""Run a handler in-process and collect its frames: unit tests for handlers without RabbitMQ.

The Python twin of the TypeScript memory transport: the same execution core as the worker, the
same JSON encoding, the same frame kinds and ``seq`` numbering, no broker.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Optional, cast

from .context import HandlerContext, cancel_context, close_context
from .errors import ErrorBody
from .execute import CANCELLED_ERROR, Handler, HandlerOutcome, execute
from .frames import Frame, Progress, ReplyKind, TerminalFrame


@dataclass
class RunResult:
    """The frames a handler produced, in order, with shortcuts for the usual questions."""

    frames: list[Frame] = field(default_factory=list)

    @property
    def terminal(self) -> TerminalFrame:
        """The last frame: ``result`` or ``error``."""
        last = self.frames[-1]
        if last["kind"] == "result" or last["kind"] == "error":
            return last
        raise AssertionError(f"the run ended with {last!r}, not a result or an error")

    @property
    def result(self) -> Any:
        """The result value; raises ``AssertionError`` when the handler ended with an error."""
        last = self.frames[-1]
        if last["kind"] != "result":
            raise AssertionError(f"the handler ended with {last!r}, not a result")
        return last["data"]

    @property
    def error(self) -> Optional[ErrorBody]:
        """The error body when the handler ended with an error, else ``None``."""
        last = self.frames[-1]
        return last["error"] if last["kind"] == "error" else None

    @property
    def chunks(self) -> list[Any]:
        """The chunk values in the order they were emitted."""
        return [f["data"] for f in self.frames if f["kind"] == "chunk"]

    @property
    def progress(self) -> list[Progress]:
        """The progress bodies ``{done, total?, message?}`` in order."""
        return [f["progress"] for f in self.frames if f["kind"] == "progress"]


# The key that carries each kind's value.
_FIELD: dict[ReplyKind, str] = {
    "chunk": "data",
    "result": "data",
    "progress": "progress",
    "error": "error",
}


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

    def add(kind: ReplyKind, value: Any) -> None:
        # `value` is decoded JSON, as a client would see it: the frame is as typed as the wire.
        frame = {"seq": len(run.frames), "kind": kind, "attempt": attempt, _FIELD[kind]: value}
        run.frames.append(cast(Frame, frame))

    ctx: HandlerContext[Any] = HandlerContext(
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
    # Referenced here and awaited below: its outcome or exception is ours.
    task = asyncio.create_task(execute(handler, wire_payload, ctx))

    def cancel() -> None:
        cancel_context(ctx)
        task.cancel()

    timer = loop.call_later(cancel_after, cancel) if cancel_after is not None else None
    try:
        try:
            outcome = await task
        except asyncio.CancelledError:
            if not (ctx.cancelled and task.cancelled()):
                raise
            outcome = HandlerOutcome("cancelled")
    finally:
        if timer is not None:
            timer.cancel()
    close_context(ctx)
    if outcome.kind == "result":
        add("result", json.loads(outcome.data))
    elif outcome.kind == "error":
        add("error", outcome.error)
    else:
        add("error", dict(CANCELLED_ERROR))
    return run


__all__ = ["Frame", "RunResult", "run_handler"]
