"""HandlerContext: the cancel flag and event, whichever comes first (the event is made on use)."""

from __future__ import annotations

import asyncio
import threading

from taskbridge.context import HandlerContext, cancel_context


def make(loop: asyncio.AbstractEventLoop) -> HandlerContext[int]:
    return HandlerContext(
        id="r1", type="t", attempt=1, deadline=0, principal="anon", sink=lambda *_: None, loop=loop
    )


async def test_an_event_asked_for_after_the_cancel_is_already_set() -> None:
    ctx = make(asyncio.get_running_loop())
    assert not ctx.cancelled
    cancel_context(ctx)
    assert ctx.cancelled and ctx.cancel_event.is_set()


async def test_a_thread_waiting_on_the_event_wakes_at_the_cancel() -> None:
    ctx = make(asyncio.get_running_loop())
    waiting = threading.Event()
    woke: list[bool] = []

    def handler() -> None:
        event = ctx.cancel_event
        waiting.set()
        woke.append(event.wait(30))

    thread = threading.Thread(target=handler)
    thread.start()
    await asyncio.get_running_loop().run_in_executor(None, waiting.wait)
    assert not ctx.cancel_event.is_set()
    cancel_context(ctx)
    await asyncio.get_running_loop().run_in_executor(None, thread.join)
    assert woke == [True] and ctx.cancelled
