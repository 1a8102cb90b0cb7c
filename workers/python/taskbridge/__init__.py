"""taskbridge for Python: serve taskbridge request types from RabbitMQ.

A handler is ``async def handler(payload, ctx)`` (or an async generator, or a plain ``def`` that
runs in a thread); ``ctx`` (a :class:`HandlerContext`) has ``emit``, ``progress``,
``cancelled``, ``attempt``, ``id``, ``type``, ``deadline`` and ``principal``. See docs/python.md.
"""

from .amqp_urls import amqp_urls_from_env
from .context import Context, HandlerContext, encode_json
from .errors import (
    ERROR_CODES,
    ErrorBody,
    ErrorCode,
    TaskbridgeError,
    create_error,
    to_error_body,
)
from .execute import Handler, HandlerOutcome, Handlers
from .frames import Frame, Progress, ReplyKind
from .run import options_from_env, run, serve
from .service import schema_from_hint, service
from .topology import TopologyError, request_queue_arguments
from .worker import Worker, register_handlers

__version__ = "0.1.0"

__all__ = [
    "Context",
    "ERROR_CODES",
    "ErrorBody",
    "ErrorCode",
    "Frame",
    "Handler",
    "HandlerContext",
    "HandlerOutcome",
    "Handlers",
    "Progress",
    "ReplyKind",
    "TaskbridgeError",
    "TopologyError",
    "Worker",
    "amqp_urls_from_env",
    "create_error",
    "encode_json",
    "options_from_env",
    "register_handlers",
    "request_queue_arguments",
    "run",
    "schema_from_hint",
    "serve",
    "service",
    "to_error_body",
    "__version__",
]
