"""The worker against the real RabbitMQ: replies, streams, progress, errors, ctx, topology.

Cancels and deadlines: test_cancels.py; graceful close: test_shutdown.py.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from amqp_client import Client
from serve import serve
from taskbridge import Context, TaskbridgeError, TopologyError, register_handlers
from taskbridge.reference import REFERENCE_HANDLERS


async def test_echo_replies_once_with_the_request_key_and_json() -> None:
    async with Client() as client:
        worker = await serve(client, REFERENCE_HANDLERS)
        try:
            payload = {"text": "héllo", "n": [1, 2.5, None, True]}
            key = await client.request("demo.echo", payload)
            [reply] = await client.until_terminal(key)
            assert (reply.kind, reply.seq, reply.attempt, reply.body) == ("result", 0, 1, payload)
            assert reply.correlation_id == key
            assert reply.content_type == "application/json"
        finally:
            await worker.close()


async def test_count_streams_chunks_in_order_then_the_result() -> None:
    async with Client() as client:
        worker = await serve(client, REFERENCE_HANDLERS)
        try:
            key = await client.request("demo.count", {"n": 20})
            replies = await client.until_terminal(key)
            assert [r.seq for r in replies] == list(range(21))
            assert [r.body for r in replies[:-1]] == [{"i": i} for i in range(20)]
            assert {r.kind for r in replies[:-1]} == {"chunk"}
            assert (replies[-1].kind, replies[-1].body) == ("result", {"count": 20})
        finally:
            await worker.close()


async def test_progress_reports_each_step_then_the_result() -> None:
    async with Client() as client:
        worker = await serve(client, REFERENCE_HANDLERS)
        try:
            key = await client.request("demo.progress", {"steps": 3, "delayMs": 1})
            replies = await client.until_terminal(key)
            assert [(r.kind, r.body) for r in replies] == [
                ("progress", {"done": 1, "total": 3}),
                ("progress", {"done": 2, "total": 3}),
                ("progress", {"done": 3, "total": 3}),
                ("result", {"done": 3}),
            ]
        finally:
            await worker.close()


async def test_a_raising_handler_ends_with_worker_error_and_only_its_message() -> None:

    async def teapot(payload: Any, ctx: Context[Any]) -> None:
        raise TaskbridgeError("NOT_FOUND", "no such teapot", details={"id": 7})

    async with Client() as client:
        handlers: dict[str, Any] = {**REFERENCE_HANDLERS, "teapot": teapot}
        worker = await serve(client, handlers)
        try:
            key = await client.request("demo.fail", {"message": "boom"})
            [reply] = await client.until_terminal(key)
            boom = {"code": "WORKER_ERROR", "message": "boom"}
            assert (reply.kind, reply.body) == ("error", boom)
            key = await client.request("teapot", None)
            [reply] = await client.until_terminal(key)
            teapot = {"code": "NOT_FOUND", "message": "no such teapot", "details": {"id": 7}}
            assert reply.body == teapot
        finally:
            await worker.close()


async def test_a_body_that_is_not_json_gets_bad_request() -> None:
    async with Client() as client:
        worker = await serve(client, REFERENCE_HANDLERS)
        try:
            key = await client.request("demo.echo", body=b"{not json")
            [reply] = await client.until_terminal(key)
            assert reply.kind == "error" and reply.body["code"] == "BAD_REQUEST"
        finally:
            await worker.close()


async def test_an_x_type_the_worker_does_not_serve_gets_unknown_type() -> None:
    async with Client() as client:
        worker = await serve(client, REFERENCE_HANDLERS)
        try:
            key = await client.request("demo.nobody", 1, queue=f"{client.prefix}demo.echo")
            [reply] = await client.until_terminal(key)
            unknown = 'this worker does not serve "demo.nobody"'
            assert (reply.kind, reply.body) == (
                "error", {"code": "UNKNOWN_TYPE", "message": unknown}
            )
        finally:
            await worker.close()


async def test_ctx_carries_id_type_attempt_deadline_and_principal() -> None:
    seen: dict[str, Any] = {}

    async def inspect_ctx(payload: Any, ctx: Context[Any]) -> str:
        seen.update(id=ctx.id, type=ctx.type, attempt=ctx.attempt, deadline=ctx.deadline,
                    principal=ctx.principal, cancelled=ctx.cancelled)
        return "ok"

    async with Client() as client:
        worker = await serve(client, {"ctx": inspect_ctx})
        try:
            deadline = int(time.time() * 1000) + 30_000
            key = await client.request(
                "ctx", request_id="req-1", principal="u42", deadline=deadline
            )
            await client.until_terminal(key)
            assert seen == {"id": "req-1", "type": "ctx", "attempt": 1,
                            "deadline": deadline, "principal": "u42", "cancelled": False}
            # no x-deadline: math.inf, as Infinity in the TypeScript SDK
            key = await client.request("ctx", request_id="req-2", without_deadline=True)
            await client.until_terminal(key)
            assert (seen["id"], seen["deadline"], seen["principal"]) == ("req-2", math.inf, "anon")
        finally:
            await worker.close()


async def test_a_blocking_sync_handler_does_not_lose_the_connection() -> None:
    queue = "sleepy"

    def sleepy(payload: dict[str, Any], ctx: Context[Any]) -> str:
        assert threading.current_thread() is not threading.main_thread()
        for i in range(3):
            ctx.emit({"i": i})
        time.sleep(payload["seconds"])  # on the event loop this loses the connection
        ctx.progress(1, 1)
        return "rested"

    async with Client() as client:
        worker = await serve(client, {queue: sleepy}, heartbeat=1)
        try:
            key = await client.request(queue, {"seconds": 5})
            replies = await client.until_terminal(key, timeout=20)
            assert [(r.kind, r.seq, r.attempt) for r in replies] == [
                ("chunk", 0, 1), ("chunk", 1, 1), ("chunk", 2, 1), ("progress", 3, 1),
                ("result", 4, 1),
            ]
            assert replies[-1].body == "rested"
            assert not worker.connection.is_closed
        finally:
            await worker.close()


async def test_async_generators_and_sync_generators_stream_their_items() -> None:

    async def agen(payload: Any, ctx: Context[Any]) -> AsyncIterator[int]:
        for i in range(3):
            yield i

    def gen(payload: Any, ctx: Context[Any]) -> Any:
        yield from ("a", "b")

    async with Client() as client:
        worker = await serve(client, {"agen": agen, "gen": gen})
        try:
            expected: dict[str, list[Any]] = {"agen": [0, 1, 2], "gen": ["a", "b"]}
            for queue, items in expected.items():
                replies = await client.until_terminal(await client.request(queue, None))
                assert [r.body for r in replies] == [*items, None]
                assert [r.kind for r in replies] == ["chunk"] * len(items) + ["result"]
        finally:
            await worker.close()


async def test_a_queue_declared_with_other_settings_stops_the_worker_with_a_clear_error() -> None:
    queue = "clash"

    async def echo(payload: Any, ctx: Context[Any]) -> Any:
        return payload

    async with Client() as client:
        classic = await serve(client, {queue: echo}, queue_type="classic")
        await classic.close()
        refusal = f'cannot declare queue "{client.prefix}clash" as a quorum queue'
        with pytest.raises(TopologyError, match=refusal):
            await serve(client, {queue: echo}, queue_type="quorum")


async def test_an_unreachable_broker_is_retried_then_reported_clearly() -> None:
    async def echo(payload: Any, ctx: Context[Any]) -> Any:
        return payload

    with pytest.raises(
        ConnectionError, match=r"cannot reach RabbitMQ at amqp://guest@127\.0\.0\.1:1"
    ) as refused:
        await register_handlers(
            "amqp://guest:secret@127.0.0.1:1", {"echo": echo}, connect_timeout=0.5,
            reconnect_interval=0.2,
        )
    assert "secret" not in str(refused.value)
