"""taskbridge.testing: handlers run in-process, frames collected, no RabbitMQ."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

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

    task = asyncio.create_task(ticker())
    try:
        assert (await run_handler(blocking)).result == "done"
    finally:
        task.cancel()
    assert ticks >= 5


COUNT_NEEDS = "demo.count needs { n: integer ≥ 0, delayMs?: number ≥ 0 }"
PROGRESS_NEEDS = "demo.progress needs { steps: integer ≥ 0, delayMs: number ≥ 0 }"


async def test_reference_handlers_refuse_nonsense_as_the_typescript_ones_do() -> None:
    for payload in ({"n": -1}, {"n": "3"}, {"n": 2.5}, {"n": True}, {"n": 1, "delayMs": None},
                    {"n": 1, "delayMs": -5}, {"n": 2**53}, [3], None, "3"):
        result = await run_handler(count, payload)
        error = {"code": "BAD_REQUEST", "message": COUNT_NEEDS}
        assert result.frames == [{"seq": 0, "kind": "error", "attempt": 1, "error": error}], payload
    for payload in ({"steps": "many", "delayMs": 1}, {"steps": 1, "delayMs": float("inf")}, None):
        assert (await run_handler(progress, payload)).error == {
            "code": "BAD_REQUEST", "message": PROGRESS_NEEDS}, payload
    for payload in ({}, {"message": ""}, {"message": 42}, "boom", None):
        assert (await run_handler(fail, payload)).error == {
            "code": "WORKER_ERROR", "message": "demo.fail failed"}, payload
    # JSON's 2.0 is the integer 2; a progress without delayMs does not wait
    assert (await run_handler(count, {"n": 2.0})).frames[-1]["data"] == {"count": 2}
    assert (await run_handler(progress, {"steps": 1})).result == {"done": 1}


async def test_the_deliberate_demo_fail_logs_one_info_line_a_crash_its_traceback(
    caplog: Any,
) -> None:
    caplog.set_level(logging.INFO, logger="taskbridge")
    await run_handler(fail, {"message": "as planned"}, type="demo.fail", id="r1")
    [answered] = caplog.records
    assert answered.levelno == logging.INFO and answered.exc_info is None
    assert answered.getMessage() == (
        "handler for demo.fail (request r1, attempt 1) answered with an error: "
        "WORKER_ERROR as planned"
    )
    caplog.clear()

    async def crash(payload: Any, ctx: Context[Any]) -> None:
        raise RuntimeError("it broke")

    result = await run_handler(crash, None, type="t.crash", id="r2")
    assert result.error == {"code": "WORKER_ERROR", "message": "it broke"}
    [failed] = caplog.records
    assert failed.levelno == logging.ERROR and failed.exc_info is not None
    assert failed.getMessage() == "handler for t.crash (request r2, attempt 1) failed"


async def test_demo_count_waits_before_each_chunk_the_first_one_included() -> None:
    # about time, so a lower bound only: a loaded machine can make it slower, never faster
    started = time.monotonic()
    result = await run_handler(count, {"n": 1, "delayMs": 300})
    assert time.monotonic() - started >= 0.28
    assert result.chunks == [{"i": 0}]


async def test_an_unknown_error_code_becomes_worker_error_with_its_message() -> None:
    async def odd(payload: Any, ctx: Context[Any]) -> None:
        raise TaskbridgeError("TEAPOT", "short and stout", retryable=True)

    assert (await run_handler(odd)).error == {"code": "WORKER_ERROR", "message": "short and stout"}


async def test_a_plain_generator_streams_whoever_returned_it_and_a_list_is_a_result() -> None:
    def numbers() -> Iterator[int]:
        yield 1
        yield 2

    async def returns_generator(payload: Any, ctx: Context[Any]) -> Any:
        return numbers()

    def returns_generator_sync(payload: Any, ctx: Context[Any]) -> Any:
        return numbers()

    for handler in (returns_generator, returns_generator_sync):
        streamed = await run_handler(handler)
        assert [(f["kind"], f["data"]) for f in streamed.frames] == [
            ("chunk", 1), ("chunk", 2), ("result", None)]

    async def returns_list(payload: Any, ctx: Context[Any]) -> Any:
        return [1, 2]

    assert (await run_handler(returns_list)).frames == [
        {"seq": 0, "kind": "result", "attempt": 1, "data": [1, 2]}]


async def test_ctx_deadline_is_infinite_without_x_deadline() -> None:
    from taskbridge.worker import deadline_of

    assert deadline_of(None) == math.inf
    assert deadline_of("soon") == math.inf
    assert deadline_of(True) == math.inf
    assert deadline_of(1_700_000_000_000) == 1_700_000_000_000
    assert deadline_of("1700000000000") == 1_700_000_000_000


async def test_register_handlers_refuses_types_a_gateway_would_refuse() -> None:
    from taskbridge import register_handlers

    for name in ("Demo.Echo", "taskbridge.services", "", "with space"):
        try:
            await register_handlers("amqp://unused", {name: echo})
        except ValueError as error:
            assert str(error) == f'"{name}" is not a valid request type'
        else:
            raise AssertionError(f"{name!r} was accepted")
