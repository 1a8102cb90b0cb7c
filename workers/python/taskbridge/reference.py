"""The reference services of PROTOCOL.md §5, identical in behaviour to the TypeScript ones.

Run with ``npm run worker:python`` (or ``python -m taskbridge.reference``). Environment, as for
the TypeScript ``npm run worker``: ``AMQP_URL``; ``TASKBRIDGE_QUEUE_TYPE`` (quorum or classic);
``TASKBRIDGE_QUEUE_PREFIX`` (serve from ``<prefix>demo.echo`` … so tests run their own copy
beside other workers); ``TASKBRIDGE_PREFETCH``; ``TASKBRIDGE_WORKER_ID``; ``TASKBRIDGE_GRACE_MS``;
and ``TASKBRIDGE_HEARTBEAT`` (seconds, Python only).
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict

from .context import Context
from .execute import Handler
from .run import run


async def echo(payload: Any, ctx: Context[Any]) -> Any:
    """``demo.echo``: the result is the payload."""
    return payload


async def count(payload: Dict[str, Any], ctx: Context[Dict[str, int]]) -> Dict[str, int]:
    """``demo.count {n, delayMs?}``: chunks ``{i}`` for i = 0 … n-1, then ``{count: n}``."""
    n = int(payload.get("n", 0))
    delay = float(payload.get("delayMs") or 0) / 1000
    for i in range(n):
        if delay > 0 and i > 0:
            await asyncio.sleep(delay)
        ctx.emit({"i": i})
    return {"count": n}


async def progress(payload: Dict[str, Any], ctx: Context[Any]) -> Dict[str, int]:
    """``demo.progress {steps, delayMs}``: progress ``{done: k, total: steps}`` for k = 1 …
    steps, then ``{done: steps}``; a cancel stops it at once (its task is cancelled)."""
    steps = int(payload.get("steps", 0))
    delay = float(payload.get("delayMs") or 0) / 1000
    for k in range(1, steps + 1):
        await asyncio.sleep(delay)
        ctx.progress(k, steps)
    return {"done": steps}


async def fail(payload: Dict[str, Any], ctx: Context[Any]) -> None:
    """``demo.fail {message}``: raises, so the request ends with ``WORKER_ERROR`` and that message."""
    message = payload.get("message") if isinstance(payload, dict) else None
    raise RuntimeError(message if isinstance(message, str) else "demo.fail")


REFERENCE_HANDLERS: Dict[str, Handler] = {
    "demo.echo": echo,
    "demo.count": count,
    "demo.progress": progress,
    "demo.fail": fail,
}


def main() -> None:
    """Serve the reference services until SIGTERM/SIGINT (the ``worker:python`` script)."""
    run(REFERENCE_HANDLERS)


if __name__ == "__main__":
    main()
