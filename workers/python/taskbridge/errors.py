"""Error bodies of docs/protocol.md §7: plain dicts crossing JSON, AMQP and TypeScript unchanged."""

from __future__ import annotations

import typing
from typing import Any, Literal, Optional, TypedDict

#: The error codes of docs/protocol.md §7, as the TypeScript ``ErrorCode``.
ErrorCode = Literal[
    "BAD_REQUEST",
    "UNKNOWN_TYPE",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "PAYLOAD_TOO_LARGE",
    "RATE_LIMITED",
    "TIMEOUT",
    "CANCELLED",
    "UNAVAILABLE",
    "WORKER_ERROR",
    "WORKER_CRASHED",
    "NOT_FOUND",
    "INTERNAL",
]

#: Every :data:`ErrorCode`, in the order of docs/protocol.md §7.
ERROR_CODES: tuple[ErrorCode, ...] = typing.get_args(ErrorCode)

# A code read as a string (from a raised TaskbridgeError) → the code, typed; one lookup.
_KNOWN_CODES: dict[str, ErrorCode] = {code: code for code in ERROR_CODES}


class _ErrorBodyFields(TypedDict):
    code: ErrorCode
    message: str


class ErrorBody(_ErrorBodyFields, total=False):
    """``{code, message, details?, retryable?}``: absent optional fields are left out, never
    ``None`` (Python 3.9 has no ``NotRequired``, hence the required fields in a base class)."""

    details: Any
    retryable: bool


def error_code_of(value: object, fallback: ErrorCode = "INTERNAL") -> ErrorCode:
    """``value`` when it is one of :data:`ERROR_CODES`, else ``fallback``."""
    return _KNOWN_CODES.get(value, fallback) if isinstance(value, str) else fallback


def create_error(
    code: ErrorCode,
    message: str,
    *,
    details: Any = None,
    retryable: Optional[bool] = None,
) -> ErrorBody:
    """Build an error body ``{code, message, details?, retryable?}``.

    Optional fields are left out when not given, so the body serialises to exactly what
    docs/protocol.md §7 shows and what the TypeScript ``createError`` produces. An unknown code
    (from an untyped caller) becomes ``INTERNAL``.

    Example: ``create_error("TIMEOUT", "no reply within 5000 ms", retryable=True)``
    """
    body: ErrorBody = {"code": error_code_of(code), "message": message}
    if details is not None:
        body["details"] = details
    if retryable is not None:
        body["retryable"] = retryable
    return body


class TaskbridgeError(Exception):
    """Raise this from a handler to end the request with a specific error code.

    Any other exception ends the request with ``WORKER_ERROR`` and its message; this one
    passes its code, details and ``retryable`` through to the client, like throwing an error
    body in a TypeScript handler. A code that is not one of ``ERROR_CODES`` ends it with
    ``WORKER_ERROR`` and the message, as in TypeScript.

    Example: ``raise TaskbridgeError("NOT_FOUND", "no report 42", details={"id": 42})``
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: Any = None,
        retryable: Optional[bool] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.retryable = retryable

    def to_body(self) -> ErrorBody:
        """The error body this exception stands for (an unknown code becomes ``INTERNAL``)."""
        return create_error(
            error_code_of(self.code), self.message, details=self.details, retryable=self.retryable
        )


def to_error_body(exc: BaseException, fallback_code: ErrorCode = "WORKER_ERROR") -> ErrorBody:
    """Turn whatever a handler raised into an error body fit for a client.

    A :class:`TaskbridgeError` with a code of docs/protocol.md §7 keeps it; anything else, a
    ``TaskbridgeError`` with an unknown code included, becomes ``fallback_code`` with the
    exception's message (its class name when the message is empty) and never a traceback, as
    the TypeScript ``toErrorBody`` does.
    """
    if isinstance(exc, TaskbridgeError) and exc.code in _KNOWN_CODES:
        return exc.to_body()
    message = str(exc) or type(exc).__name__
    return create_error(fallback_code, message)


__all__ = [
    "ERROR_CODES",
    "ErrorBody",
    "ErrorCode",
    "TaskbridgeError",
    "create_error",
    "error_code_of",
    "to_error_body",
]
