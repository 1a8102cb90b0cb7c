"""Cancels and deadlines against the real RabbitMQ (docs/protocol.md §3 "Cancel")."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from amqp_client import Client
from serve import serve
from taskbridge import Context


async def test_a_cancel_stops_the_running_handler_ends_it_with_cancelled_and_acks_it() -> None:
    stopped = asyncio.Event()

    async def slow(payload: Any, ctx: Context[Any]) -> None:
        ctx.progress(0, 1)
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            stopped.set()
            raise

    async with Client() as client:
        worker = await serve(client, {"slow": slow}, grace_seconds=5)
        key = await client.request("slow", {})
        first = await client.next(key)
        assert first.kind == "progress"
        await client.cancel(key)
        await asyncio.wait_for(stopped.wait(), 10)
        [last] = await client.until_terminal(key)
        assert (last.kind, last.seq, last.body) == (
            "error", 1, {"code": "CANCELLED", "message": "the request was cancelled"}
        )
        await worker.close()  # a request still unacked after the grace period would be handed back
        assert await client.message_count("slow") == 0


async def test_without_reply_on_cancel_a_cancelled_request_is_acked_silently() -> None:
    def poll(payload: Any, ctx: Context[Any]) -> None:
        ctx.emit("started")
        ctx.cancel_event.wait(20)  # a thread handler learns of the cancel through ctx

    async with Client() as client:
        worker = await serve(client, {"poll": poll}, grace_seconds=5, reply_on_cancel=False)
        key = await client.request("poll", {})
        assert (await client.next(key)).body == "started"
        await client.cancel(key)
        await worker.close()
        assert client.pending(key) == 0
        assert await client.message_count("poll") == 0


async def test_a_request_cancelled_before_it_starts_is_dropped_without_a_reply() -> None:
    calls: list = []

    async def record(payload: Any, ctx: Context[Any]) -> Any:
        calls.append(payload)
        return payload

    queue = "record"
    async with Client() as client:
        worker = await serve(client, {queue: record}, prefetch=1)
        try:
            doomed = client.key("doomed")
            await client.cancel(doomed)
            # a round trip through the worker proves the cancel has been heard
            [ok] = await client.until_terminal(await client.request(queue, "before"))
            await client.request(queue, "cancelled", request_id="doomed")
            [after] = await client.until_terminal(await client.request(queue, "after"))
            assert (ok.body, after.body) == ("before", "after")
            assert calls == ["before", "after"] and client.pending(doomed) == 0
        finally:
            await worker.close()
        assert await client.message_count(queue) == 0


async def test_a_request_past_its_deadline_is_dropped_without_a_reply() -> None:
    calls: list = []

    async def record(payload: Any, ctx: Context[Any]) -> Any:
        calls.append(payload)
        return payload

    queue = "record"
    async with Client() as client:
        worker = await serve(client, {queue: record}, prefetch=1)
        try:
            late = await client.request(queue, "late", deadline=int(time.time() * 1000) - 1000)
            [after] = await client.until_terminal(await client.request(queue, "after"))
            assert after.body == "after" and calls == ["after"] and client.pending(late) == 0
        finally:
            await worker.close()
        assert await client.message_count(queue) == 0
