"""Runs one handler to its end, whatever its shape: the core the worker and the test helper share.

The Python twin of the TypeScript ``runHandler`` (``packages/core/src/protocol/runHandler.ts``):
:func:`execute` returns a :class:`HandlerOutcome` as ``runHandler`` does. It keeps its own name
because ``taskbridge.testing.run_handler``, public since the first release, already means "run
a handler and collect its frames".
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Literal, Optional, Union

from .context import HandlerContext, cancel_context, encode_json, wait_writable
from .errors import ERROR_CODES, ErrorBody, TaskbridgeError, create_error, to_error_body

#: A handler: ``async def h(payload, ctx)``, an async generator, or a plain ``def`` (run in a
#: thread; a plain generator streams its items too).
Handler = Callable[[Any, HandlerContext[Any]], Union[Awaitable[Any], Any]]

#: Handlers by request type, as ``register_handlers`` and ``run`` take them.
Handlers = Mapping[str, Handler]

#: How a handler ended: the same three kinds as TypeScript's ``HandlerOutcome``.
OutcomeKind = Literal["result", "error", "cancelled"]


@dataclass(frozen=True)
class HandlerOutcome:
    """How a handler ended: ``kind`` is ``result`` (``data``: JSON bytes), ``error``
    (``error``: an error body) or ``cancelled``."""

    kind: OutcomeKind
    data: bytes = b"null"
    error: Optional[ErrorBody] = None


#: The name this SDK used first; the same class.
Outcome = HandlerOutcome

CANCELLED_ERROR = create_error("CANCELLED", "the request was cancelled")


def is_async_handler(handler: Any) -> bool:
    """True for handlers that run on the event loop: coroutine and async generator functions
    (also behind ``functools.partial`` or an ``async def __call__``)."""
    candidates = (handler, handler.__call__) if callable(handler) else (handler,)
    return any(
        inspect.iscoroutinefunction(candidate) or inspect.isasyncgenfunction(candidate)
        for candidate in candidates
    )


# handler → (an async generator function, runs on the event loop): asked once per handler, not
# once per request (inspect's checks cost a few µs each)
_SHAPES: weakref.WeakKeyDictionary[Any, tuple[bool, bool]] = weakref.WeakKeyDictionary()


def _shape(handler: Any) -> tuple[bool, bool]:
    try:
        return _SHAPES[handler]
    except (KeyError, TypeError):
        pass
    shape = (inspect.isasyncgenfunction(handler), is_async_handler(handler))
    try:
        _SHAPES[handler] = shape
    except TypeError:  # not weakly referenceable: asked again next time
        pass
    return shape


async def _stream(items: Any, ctx: HandlerContext[Any]) -> None:
    try:
        async for item in items:
            ctx.emit(item)
            await wait_writable(ctx)
    finally:
        aclose = getattr(items, "aclose", None)
        if aclose is not None:
            await aclose()


def _drain(generator: Any, ctx: HandlerContext[Any]) -> None:
    # a plain generator's items are chunks; its return value is ignored, as in TypeScript
    for item in generator:
        if ctx.cancelled:
            generator.close()
            break
        ctx.emit(item)


def _call_sync(handler: Handler, payload: Any, ctx: HandlerContext[Any]) -> Any:
    value = handler(payload, ctx)
    if inspect.isgenerator(value):
        _drain(value, ctx)
        return None
    return value


async def _run_in_thread(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    ctx: HandlerContext[Any],
    executor: Optional[Executor],
) -> Any:
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(executor, function, *args)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        # A thread cannot be interrupted: tell it through ctx and wait until it stops, so the
        # request is acked only after its handler really ended.
        cancel_context(ctx)
        await asyncio.wait([future])
        raise


async def execute(
    handler: Handler,
    payload: Any,
    ctx: HandlerContext[Any],
    *,
    executor: Optional[Executor] = None,
    logger: Optional[logging.Logger] = None,
) -> HandlerOutcome:
    """Run ``handler(payload, ctx)`` and say how it ended; chunks and progress go to ``ctx``.

    An async generator (or a handler returning an async iterable) streams its items as chunks
    and ends with a ``null`` result; so does a plain generator, whatever handler returned it
    (lists, dicts and other iterables are results, as in TypeScript). A plain ``def`` runs in
    ``executor`` so it cannot block the event loop (and the connection's heartbeats). A raised
    exception becomes ``WORKER_ERROR`` with its message only; the traceback goes to ``logger``
    at ERROR. A raised :class:`TaskbridgeError` keeps its code and is logged at INFO without a
    traceback: the handler chose that answer. Cancelling the task that awaits this (after
    :func:`~taskbridge.context.cancel_context`) yields ``HandlerOutcome("cancelled")``.
    """
    log = logger or logging.getLogger("taskbridge")
    async_generator, on_loop = _shape(handler)
    try:
        if async_generator:
            await _stream(handler(payload, ctx), ctx)
            value: Any = None
        elif on_loop:
            value = await handler(payload, ctx)
        else:
            value = await _run_in_thread(_call_sync, (handler, payload, ctx), ctx, executor)
        if inspect.isawaitable(value):
            value = await value
        if inspect.isgenerator(value):
            # an async handler returned a plain generator: stream it too, off the event loop
            await _run_in_thread(_drain, (value, ctx), ctx, executor)
            value = None
        if hasattr(value, "__aiter__"):
            await _stream(value, ctx)
            value = None
        if ctx.cancelled:
            return HandlerOutcome("cancelled")
        return HandlerOutcome("result", data=encode_json(value))
    except asyncio.CancelledError:
        if ctx.cancelled:
            return HandlerOutcome("cancelled")
        raise
    except Exception as exc:  # noqa: BLE001 - every handler failure becomes an error frame
        if ctx.cancelled:
            return HandlerOutcome("cancelled")
        error = to_error_body(exc)
        if isinstance(exc, TaskbridgeError) and exc.code in ERROR_CODES:
            # an answer the handler chose (``raise TaskbridgeError(...)``): a line, no traceback
            log.info(
                "handler for %s (request %s, attempt %d) answered with an error: %s %s",
                ctx.type,
                ctx.id,
                ctx.attempt,
                error["code"],
                error["message"],
            )
        else:
            log.error(
                "handler for %s (request %s, attempt %d) failed",
                ctx.type,
                ctx.id,
                ctx.attempt,
                exc_info=exc,
            )
        return HandlerOutcome("error", error=error)


__all__ = [
    "CANCELLED_ERROR",
    "Handler",
    "HandlerOutcome",
    "Handlers",
    "Outcome",
    "OutcomeKind",
    "execute",
    "is_async_handler",
]
