"""Streaming, progress and cancellation: three handler shapes."""

import asyncio
import time
from typing import Any, AsyncIterator, Dict

from taskbridge import Context, TaskbridgeError, run


async def tail_log(payload: Dict[str, Any], ctx: Context[str]) -> AsyncIterator[str]:
    """An async generator: each item is one `chunk`; the result is null."""
    for line in range(payload["lines"]):
        await asyncio.sleep(0.01)
        yield f"line {line}"


async def build_report(payload: Dict[str, Any], ctx: Context[Any]) -> Dict[str, Any]:
    """Progress frames, then a result. A cancel raises CancelledError at the next await:
    clean up in `finally` and let it through."""
    sections = payload["sections"]
    for done in range(1, sections + 1):
        await asyncio.sleep(0.01)  # the real work
        ctx.progress(done, sections, f"section {done} of {sections}")
    if payload.get("title") == "":
        raise TaskbridgeError("BAD_REQUEST", "a report needs a title")
    return {"title": payload.get("title", "report"), "sections": sections}


def resize(payload: Dict[str, Any], ctx: Context[Any]) -> Dict[str, Any]:
    """A plain `def` runs in a thread: it may block without stalling the connection.
    It cannot be interrupted, so it checks `ctx.cancelled` between steps."""
    for step in range(payload["steps"]):
        if ctx.cancelled:
            return {"stopped_at": step}
        time.sleep(0.01)  # blocking work: CPU, a C library, a synchronous client
        ctx.progress(step + 1, payload["steps"])
    return {"width": payload["width"] // 2}


HANDLERS = {"report.tail": tail_log, "report.build": build_report, "image.resize": resize}

if __name__ == "__main__":
    run(HANDLERS, prefetch=4)
