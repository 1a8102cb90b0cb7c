"""The reference services of docs/protocol.md §8, identical in behaviour to the TypeScript ones.

Run with ``npm run worker:python`` (or ``python -m taskbridge.reference``). Environment, as for
the TypeScript ``npm run worker``: ``AMQP_URL``; ``TASKBRIDGE_QUEUE_TYPE`` (quorum or classic);
``TASKBRIDGE_QUEUE_PREFIX`` (serve from ``<prefix>demo.echo`` … so tests run their own copy
beside other workers); ``TASKBRIDGE_PREFETCH``; ``TASKBRIDGE_WORKER_ID``; ``TASKBRIDGE_GRACE_MS``;
and ``TASKBRIDGE_HEARTBEAT`` (seconds, Python only).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections.abc import Mapping
from typing import Any

from .context import HandlerContext
from .errors import TaskbridgeError
from .execute import Handler
from .run import run

#: ``Number.MAX_SAFE_INTEGER``: the largest count a TypeScript worker takes, so both agree.
_MAX_SAFE_INTEGER = 2**53 - 1

_SCHEMAS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_schemas.json")


def _is_count(value: Any) -> bool:
    # JSON has one number type: 3.0 is the integer 3, as in JavaScript; a bool is not a number.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return False
    return 0 <= value <= _MAX_SAFE_INTEGER


def _is_delay(payload: Mapping[str, Any]) -> bool:
    # Absent is fine (no wait); present, it must be a finite number ≥ 0 (null is not).
    if "delayMs" not in payload:
        return True
    value = payload["delayMs"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and value >= 0


async def echo(payload: Any, ctx: HandlerContext[Any]) -> Any:
    """``demo.echo``: the result is the payload."""
    return payload


async def count(payload: Any, ctx: HandlerContext[dict[str, int]]) -> dict[str, int]:
    """``demo.count {n, delayMs?}``: chunks ``{i}`` for i = 0 … n-1, each after ``delayMs``,
    then ``{count: n}``; anything else is ``BAD_REQUEST``."""
    if not isinstance(payload, dict) or not _is_count(payload.get("n")) or not _is_delay(payload):
        raise TaskbridgeError(
            "BAD_REQUEST", "demo.count needs { n: integer ≥ 0, delayMs?: number ≥ 0 }"
        )
    n = int(payload["n"])
    delay = payload.get("delayMs", 0) / 1000
    for i in range(n):
        if delay > 0:
            await asyncio.sleep(delay)
        ctx.emit({"i": i})
    return {"count": n}


async def progress(payload: Any, ctx: HandlerContext[Any]) -> dict[str, int]:
    """``demo.progress {steps, delayMs}``: progress ``{done: k, total: steps}`` for k = 1 …
    steps, each after ``delayMs``, then ``{done: steps}``; anything else is ``BAD_REQUEST``. A
    cancel stops it at once (its task is cancelled)."""
    if (
        not isinstance(payload, dict)
        or not _is_count(payload.get("steps"))
        or not _is_delay(payload)
    ):
        raise TaskbridgeError(
            "BAD_REQUEST", "demo.progress needs { steps: integer ≥ 0, delayMs: number ≥ 0 }"
        )
    steps = int(payload["steps"])
    delay = payload.get("delayMs", 0) / 1000
    for k in range(1, steps + 1):
        if delay > 0:
            await asyncio.sleep(delay)
        ctx.progress(k, steps)
    return {"done": steps}


async def fail(payload: Any, ctx: HandlerContext[Any]) -> None:
    """``demo.fail {message}``: raises, so the request ends with ``WORKER_ERROR`` and that message
    (``demo.fail failed`` when it is missing or empty). A :class:`TaskbridgeError`, as the
    TypeScript one throws an error body: a deliberate failure, logged without a traceback."""
    message = payload.get("message") if isinstance(payload, dict) else None
    raise TaskbridgeError(
        "WORKER_ERROR", message if isinstance(message, str) and message else "demo.fail failed"
    )


def _load_services() -> dict[str, dict[str, Any]]:
    with open(_SCHEMAS_PATH, encoding="utf-8") as file:
        services: dict[str, dict[str, Any]] = json.load(file)
    return services


#: What the reference worker announces per type (docs/protocol.md §6): the description and JSON
#: Schemas of ``workers/reference/referenceContract.ts``, generated into
#: ``reference_schemas.json`` (``npx tsx scripts/generate-reference-schemas.ts``; a Jest test
#: fails when the two drift apart), so a gateway validates the same whichever worker announced.
REFERENCE_SERVICES: dict[str, dict[str, Any]] = _load_services()

REFERENCE_HANDLERS: dict[str, Handler] = {
    "demo.echo": echo,
    "demo.count": count,
    "demo.progress": progress,
    "demo.fail": fail,
}


def main() -> None:
    """Serve the reference services until SIGTERM/SIGINT (the ``worker:python`` script)."""
    run(REFERENCE_HANDLERS, services=REFERENCE_SERVICES)


if __name__ == "__main__":
    main()
