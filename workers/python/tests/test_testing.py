"""taskbridge.testing: handlers run in-process, frames collected, no RabbitMQ."""

from __future__ import annotations

import asyncio
import time
from typing import Any, AsyncIterator

from taskbridge import Context, TaskbridgeError
from taskbridge.reference import count, echo, fail, progress
from taskbridge.testing import run_handler


async def test_reference_handlers_produce_the_frames_of_protocol_section_5() -> None:
    assert (await run_handler(echo, {"a": [1, None]})).frames == [
        {"seq": 0, "kind": "result", "attempt": 1, "data": {"a": [1, None]}}
    ]
    counted = await run_handler(count, {"n": 3})
    assert counted.chunks == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert counted.result == {"count": 3}
    assert [f["seq"] for f in counted.frames] == [0, 1, 2, 3]
    stepped = await run_handler(progress, {"steps": 2, "delayMs": 1})
    assert stepped.progress == [{"done": 1, "total": 2}, {"done": 2, "total": 2}]
    assert stepped.result == {"done": 2}
    failed = await run_handler(fail, {"message": "nope"})
    assert failed.error == {"code": "WORKER_ERROR", "message": "nope"}


async def test_cancel_after_stops_the_handler_and_ends_with_cancelled() -> None:
    result = await run_handler(progress, {"steps": 1000, "delayMs": 20}, cancel_after=0.1)
    assert result.error == {"code": "CANCELLED", "message": "the request was cancelled"}
    assert len(result.progress) < 50


async def test_a_thread_handler_sees_the_cancel_through_ctx() -> None:
    def poll(payload: Any, ctx: Context[Any]) -> str:
        ctx.emit("waiting")
        assert ctx.cancel_event.wait(10)
        ctx.emit("dropped: after the cancel")
        return "too late"

    result = await run_handler(poll, None, cancel_after=0.05)
    assert result.chunks == ["waiting"]
    assert result.error is not None and result.error["code"] == "CANCELLED"


async def test_attempt_ctx_fields_and_error_codes_pass_through() -> None:
    async def strict(payload: Any, ctx: Context[Any]) -> None:
        assert (ctx.attempt, ctx.id, ctx.type, ctx.principal) == (3, "r1", "x.strict", "u1")
        raise TaskbridgeError("FORBIDDEN", "not yours", retryable=False)

    result = await run_handler(strict, None, attempt=3, id="r1", type="x.strict", principal="u1")
    assert result.frames == [
        {"seq": 0, "kind": "error", "attempt": 3,
         "error": {"code": "FORBIDDEN", "message": "not yours", "retryable": False}}
    ]


async def test_streams_sync_handlers_and_json_failures() -> None:
    async def agen(payload: Any, ctx: Context[Any]) -> AsyncIterator[int]:
        yield 1
        ctx.progress(1, message="half")
        yield 2

    streamed = await run_handler(agen)
    assert [f["kind"] for f in streamed.frames] == ["chunk", "progress", "chunk", "result"]
    assert streamed.progress == [{"done": 1, "message": "half"}]
    assert streamed.result is None

    def blocking(payload: Any, ctx: Context[Any]) -> float:
        time.sleep(0.05)
        return payload * 2

    assert (await run_handler(blocking, 1.5)).result == 3.0

    async def not_json(payload: Any, ctx: Context[Any]) -> Any:
        return {1, 2}

    result = await run_handler(not_json)
    assert result.error is not None and result.error["code"] == "WORKER_ERROR"


async def test_the_event_loop_stays_free_while_a_sync_handler_blocks() -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    def blocking(payload: Any, ctx: Context[Any]) -> str:
        time.sleep(0.3)
        return "done"

    task = asyncio.ensure_future(ticker())
    try:
        assert (await run_handler(blocking)).result == "done"
    finally:
        task.cancel()
    assert ticks >= 5
